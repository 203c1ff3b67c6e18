/**
 * The network as TensorFlow.js ops (not tf.layers, so masks can be applied to the very tensors
 * the optimizer updates). Weights live in tf layout [in, out]; conversion to the row-major
 * [out][in] export layout happens only at the boundary.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkSpec } from '../models/network-spec.js';
import { denseShapes } from '../models/network-spec.js';
import type { Rng } from '../rng/rng.js';
import type { DenseParams, TrainedModel } from './trained-model.js';
import type { Split } from '../data/dataset.js';

export interface GraphVars {
  w: tf.Variable[]; // [in, out]
  b: tf.Variable[];
}

/** He-normal initialisation from the injected RNG (reproducible, no global seed). */
export function initVars(spec: NetworkSpec, rng: Rng): GraphVars {
  const shapes = denseShapes(spec);
  return {
    w: shapes.map((s) => {
      const std = Math.sqrt(2 / s.inFeatures);
      const v = Float32Array.from({ length: s.inFeatures * s.outFeatures }, () => rng.normal() * std);
      return tf.variable(tf.tensor2d(v, [s.inFeatures, s.outFeatures]));
    }),
    b: shapes.map((s) => tf.variable(tf.zeros([s.outFeatures]))),
  };
}

/** Row-major [out][in] export <-> tf [in, out]. */
export function varsFromParams(params: DenseParams[]): GraphVars {
  return {
    w: params.map((p) => tf.variable(tf.tidy(() => tf.tensor2d(p.weights, [p.outFeatures, p.inFeatures]).transpose()))),
    b: params.map((p) => tf.variable(tf.tensor1d(p.bias))),
  };
}

export function paramsFromVars(v: GraphVars): DenseParams[] {
  return v.w.map((w, i) => {
    const [inF, outF] = w.shape as [number, number];
    const t = tf.tidy(() => w.transpose());
    const weights = new Float32Array(t.dataSync());
    t.dispose();
    return { inFeatures: inF, outFeatures: outF, weights, bias: new Float32Array(v.b[i]!.dataSync()) };
  });
}

export function disposeVars(v: GraphVars): void {
  v.w.forEach((t) => t.dispose());
  v.b.forEach((t) => t.dispose());
}

/** Logits for a batch; `masks` (tf layout) multiply the weights when given. */
export function forward(spec: NetworkSpec, v: GraphVars, x: tf.Tensor2D, masks?: tf.Tensor2D[]): tf.Tensor2D {
  let a: tf.Tensor2D = x;
  let d = 0;
  for (const l of spec.layers) {
    if (l.type === 'dense') {
      const w = masks ? tf.mul(v.w[d]!, masks[d]!) : v.w[d]!;
      a = tf.add(tf.matMul(a, w as tf.Tensor2D), v.b[d]!);
      d++;
    } else if (l.type === 'relu') {
      a = tf.relu(a);
    }
  }
  return a;
}

export function batchTensors(split: Split, idx: ArrayLike<number>, features: number, classes: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const xs = new Float32Array(idx.length * features);
  const ys = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    for (let f = 0; f < features; f++) xs[i * features + f] = split.images[j * features + f]! / 255;
    ys[i] = split.labels[j]!;
  }
  return { x: tf.tensor2d(xs, [idx.length, features]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(ys, 'int32'), classes) as tf.Tensor2D) };
}

export function modelFrom(spec: NetworkSpec, v: GraphVars): TrainedModel {
  return { spec, params: paramsFromVars(v) };
}
