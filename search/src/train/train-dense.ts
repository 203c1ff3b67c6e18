/**
 * Dense training: Adam on softmax cross-entropy, seeded initialisation and batch order.
 */
import * as tf from '@tensorflow/tfjs';
import { EveError } from '@eve-bench/device-agent';
import type { Dataset, Split } from '../data/dataset.js';
import type { NetworkSpec } from '../models/network-spec.js';
import { createRng } from '../rng/rng.js';
import { batchTensors, disposeVars, forward, initVars, modelFrom, toTfLayout, varsFromParams, type GraphVars } from './mlp-graph.js';
import type { PrunableShape } from '../models/network-spec.js';
import type { TrainedModel, TrainProgress } from './trained-model.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  onProgress?(p: TrainProgress): void;
  signal?: AbortSignal;
}

/** Runs `epochs` passes; `lossOf` builds the scalar loss for one batch. Shared by dense and joint training. */
export async function trainLoop(
  v: GraphVars, data: Dataset, o: TrainOptions, lossOf: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar, afterStep?: () => void,
  trainSplit: Split = data.train,
): Promise<void> {
  const rng = createRng(o.seed ^ 0x5eed);
  const optimizer = tf.train.adam(o.learningRate);
  const order = Array.from({ length: trainSplit.count }, (_, i) => i);
  const batches = Math.ceil(order.length / o.batchSize);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      rng.shuffle(order);
      for (let b = 0; b < batches; b++) {
        o.signal?.throwIfAborted();
        const { x, y } = batchTensors(trainSplit, order.slice(b * o.batchSize, (b + 1) * o.batchSize), data.features, data.classes);
        const cost = optimizer.minimize(() => lossOf(x, y), true, [...v.w, ...v.b]);
        afterStep?.();
        x.dispose(); y.dispose();
        if (cost && (b % 25 === 0 || b === batches - 1)) o.onProgress?.({ epoch, batch: b + 1, batches, loss: (await cost.data())[0]! });
        cost?.dispose();
        if (b % 50 === 0) await new Promise((r) => setImmediate(r)); // let sockets and timers breathe
      }
    }
  } finally {
    optimizer.dispose();
  }
}

export async function trainDense(spec: NetworkSpec, data: Dataset, o: TrainOptions): Promise<TrainedModel> {
  const v = initVars(spec, createRng(o.seed));
  try {
    await trainLoop(v, data, o, (x, y) => tf.losses.softmaxCrossEntropy(y, forward(spec, v, x)) as tf.Scalar);
    return modelFrom(spec, v);
  } finally {
    disposeVars(v);
  }
}

/** Top-1 accuracy of `model` (with mode `mode` of `keep` applied, if given) on a split. */
export function evaluateAccuracy(model: TrainedModel, split: Split, keep?: Int8Array[], mode?: number): number;
/** The earlier form, with the feature count spelled out (it must match the network's input). */
export function evaluateAccuracy(model: TrainedModel, split: Split, features: number, keep?: Int8Array[], mode?: number): number;
export function evaluateAccuracy(model: TrainedModel, split: Split, a?: number | Int8Array[], b?: Int8Array[] | number, c?: number): number {
  const [features, keep, mode] = typeof a === 'number' ? [a, b as Int8Array[] | undefined, c ?? 0] : [inputFeatures(model.spec), a, (b as number | undefined) ?? 0];
  if (features !== inputFeatures(model.spec)) throw new EveError('SPEC_MISMATCH', `${model.spec.name} takes ${inputFeatures(model.spec)} input values, not ${features}`);
  const v = varsFromParams(model.params);
  try {
    let correct = 0;
    const bs = 500;
    for (let s = 0; s < split.count; s += bs) {
      const idx = Array.from({ length: Math.min(bs, split.count - s) }, (_, i) => s + i);
      correct += tf.tidy(() => {
        const { x } = batchTensors(split, idx, features, model.spec.classes);
        const masks = keep?.map((k, d) => maskTensor(k, mode, model.params[d]!));
        const pred = forward(model.spec, v, x, masks).argMax(1).dataSync();
        let c = 0;
        pred.forEach((p, i) => { if (p === split.labels[idx[i]!]) c++; });
        return c;
      });
    }
    return split.count ? correct / split.count : 0;
  } finally {
    disposeVars(v);
  }
}

function inputFeatures(spec: NetworkSpec): number {
  return spec.input[0] * spec.input[1] * spec.input[2];
}

/** Mask of mode `mode` from a keep array in rows layout, in the layer's tf layout. */
export function maskTensor(keep: Int8Array, mode: number, p: PrunableShape): tf.Tensor {
  return toTfLayout(Float32Array.from(keep, (k) => (k >= mode ? 1 : 0)), p);
}
