/**
 * The network as TensorFlow.js ops (not tf.layers, so masks can be applied to the very tensors
 * the optimizer updates). Weights live in tf layout (dense [in, out], conv [kh, kw, in, out]);
 * conversion to the row layout the package stores happens only at the boundary.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkSpec, PrunableShape } from '../models/network-spec.js';
import { prunableShapes } from '../models/network-spec.js';
import { conv2dValid, conv2dValidDataInput } from './conv-grad.js';
import type { Rng } from '../rng/rng.js';
import type { DenseParams, TrainedModel } from './trained-model.js';
import type { Split } from '../data/dataset.js';

export interface GraphVars {
  w: tf.Variable[]; // dense [in, out]; conv [kh, kw, in, out]
  b: tf.Variable[];
}

/** tf layout of a prunable layer's weights. */
function tfShape(p: PrunableShape): number[] {
  return p.conv ? [p.conv.kernelH, p.conv.kernelW, p.conv.input[2], p.outFeatures] : [p.inFeatures, p.outFeatures];
}

/** Rows layout ([out][...]) -> tf layout. */
export function toTfLayout(rows: Float32Array, p: PrunableShape): tf.Tensor {
  return tf.tidy(() => (p.conv
    ? tf.tensor4d(rows, [p.outFeatures, p.conv.kernelH, p.conv.kernelW, p.conv.input[2]]).transpose([1, 2, 3, 0])
    : tf.tensor2d(rows, [p.outFeatures, p.inFeatures]).transpose()));
}

/** He-normal initialisation from the injected RNG (reproducible, no global seed). */
export function initVars(spec: NetworkSpec, rng: Rng): GraphVars {
  const shapes = prunableShapes(spec);
  return {
    w: shapes.map((s) => {
      const std = Math.sqrt(2 / s.inFeatures);
      const v = Float32Array.from({ length: s.inFeatures * s.outFeatures }, () => rng.normal() * std);
      return tf.variable(tf.tensor(v, tfShape(s)));
    }),
    b: shapes.map((s) => tf.variable(tf.zeros([s.outFeatures]))),
  };
}

/** Row-major [out][in] export <-> tf [in, out]. */
export function varsFromParams(params: DenseParams[]): GraphVars {
  return {
    w: params.map((p) => { const t = toTfLayout(p.weights, p); const v = tf.variable(t); t.dispose(); return v; }),
    b: params.map((p) => tf.variable(tf.tensor1d(p.bias))),
  };
}

export function paramsFromVars(spec: NetworkSpec, v: GraphVars): DenseParams[] {
  const shapes = prunableShapes(spec);
  return v.w.map((w, i) => {
    const s = shapes[i]!;
    const t = tf.tidy(() => (s.conv ? w.transpose([3, 0, 1, 2]) : w.transpose()));
    const weights = new Float32Array(t.dataSync());
    t.dispose();
    return { ...s, weights, bias: new Float32Array(v.b[i]!.dataSync()) };
  });
}

export function disposeVars(v: GraphVars): void {
  v.w.forEach((t) => t.dispose());
  v.b.forEach((t) => t.dispose());
}

/** Logits for a batch of flattened inputs; `masks` (tf layout) multiply the weights when given. */
export function forward(spec: NetworkSpec, v: GraphVars, x: tf.Tensor2D, masks?: tf.Tensor[]): tf.Tensor2D {
  let a: tf.Tensor = x;
  let d = 0;
  for (const l of spec.layers) {
    if (l.type === 'dense' || l.type === 'conv2d') {
      const w = masks ? tf.mul(v.w[d]!, masks[d]!) : v.w[d]!;
      if (l.type === 'dense') a = tf.add(tf.matMul(a.rank === 2 ? a : a.reshape([a.shape[0]!, -1]), w as tf.Tensor2D), v.b[d]!);
      else {
        const x4 = (a.rank === 4 ? a : a.reshape([a.shape[0]!, spec.input[0], spec.input[1], spec.input[2]])) as tf.Tensor4D;
        // layers before the first prunable one have no parameters: its input needs no gradient
        a = tf.add((d === 0 ? conv2dValidDataInput : conv2dValid)(x4, w as tf.Tensor4D), v.b[d]!);
      }
      d++;
    } else if (l.type === 'relu') {
      a = tf.relu(a);
    } else if (l.type === 'maxpool') {
      a = tf.maxPool(a as tf.Tensor4D, l.size, l.size, 'valid');
    } else if (l.type === 'flatten') {
      a = a.reshape([a.shape[0]!, -1]);
    }
  }
  return a as tf.Tensor2D;
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
  return { spec, params: paramsFromVars(spec, v) };
}
