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
import type { CheckpointStore, TensorState, TrainCheckpoint } from './checkpoint.js';
import { batchSeed, shiftedBatch, validateAugment, type Augment } from './augment.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** The learning rate is multiplied by this after every epoch (default 1: constant). */
  lrDecay?: number;
  onProgress?(p: TrainProgress): void;
  signal?: AbortSignal;
  /** Random shifts of the training images (default none). */
  augment?: Augment;
  /** Save a checkpoint every `everyBatches` batches and at the end of each epoch; resume from one if the store has it. */
  checkpoint?: { store: CheckpointStore; everyBatches: number; fingerprint: string; extra?: ExtraState };
}

/** State of a caller (masks, schedules) that travels in the checkpoint beside the weights. */
export interface ExtraState {
  save(): TensorState[];
  restore(saved: TensorState[]): void;
}

/** The order of the training examples in `epoch`: a pure function of (seed, epoch), so a resumed run replays it. */
export function epochOrder(seed: number, epoch: number, count: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  createRng(((seed ^ 0x5eed) + Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).shuffle(order);
  return order;
}

async function snapshotTensors(ts: Array<{ name: string; tensor: tf.Tensor }>): Promise<TensorState[]> {
  return Promise.all(ts.map(async (t) => ({ name: t.name, shape: [...t.tensor.shape], data: new Float32Array(await t.tensor.data()) })));
}

async function restore(v: GraphVars, optimizer: tf.AdamOptimizer, c: TrainCheckpoint, fingerprint: string): Promise<void> {
  const all = [...v.w, ...v.b];
  if (c.fingerprint !== fingerprint) throw new EveError('CHECKPOINT_MISMATCH', `the checkpoint belongs to another run (${c.fingerprint}), not ${fingerprint}`);
  if (c.vars.length !== all.length || c.vars.some((t, i) => t.data.length !== all[i]!.size)) throw new EveError('CHECKPOINT_MISMATCH', 'the checkpoint\'s variables do not match the network');
  c.vars.forEach((t, i) => tf.tidy(() => all[i]!.assign(tf.tensor(t.data, all[i]!.shape))));
  // tfjs numbers Adam's moments by position; its names only need to be unique
  if (c.optimizer.length > 0) await optimizer.setWeights(c.optimizer.map((t) => ({ name: t.name, tensor: tf.tensor(t.data, t.shape) })));
}

/**
 * Runs `epochs` passes; `lossOf` builds the scalar loss for one batch. Shared by dense and joint
 * training. With a checkpoint store, it resumes where the last checkpoint left off and the run
 * continues as if it had never stopped (same data order, same optimizer state).
 */
export async function trainLoop(
  v: GraphVars, data: Dataset, o: TrainOptions, lossOf: (x: tf.Tensor2D, y: tf.Tensor2D, at: { epoch: number; batch: number }) => tf.Scalar,
  afterStep?: (at: { epoch: number; batch: number; batches: number }) => void,
  trainSplit: Split = data.train,
): Promise<void> {
  const decay = o.lrDecay ?? 1;
  if (o.augment) validateAugment(o.augment);
  const shift = o.augment?.maxShift ?? 0;
  const optimizer = tf.train.adam(o.learningRate);
  // tfjs fixes Adam's rate at construction but reads the field on every step: this is its schedule hook
  const setRate = (epoch: number) => { (optimizer as unknown as { learningRate: number }).learningRate = o.learningRate * decay ** epoch; };
  const batches = Math.ceil(trainSplit.count / o.batchSize);
  const ck = o.checkpoint;
  let [startEpoch, startBatch] = [0, 0];
  try {
    const saved = ck ? await ck.store.load() : null;
    if (saved && ck) {
      await restore(v, optimizer, saved, ck.fingerprint);
      if (ck.extra) ck.extra.restore(saved.extra ?? []);
      [startEpoch, startBatch] = [saved.epoch, saved.batch];
    }
    const save = async (epoch: number, batch: number) => {
      if (!ck) return;
      const [e, b] = batch >= batches ? [epoch + 1, 0] : [epoch, batch];
      const vars = await snapshotTensors([...v.w, ...v.b].map((t) => ({ name: t.name, tensor: t })));
      await ck.store.save({ fingerprint: ck.fingerprint, epoch: e, batch: b, vars, optimizer: await snapshotTensors(await optimizer.getWeights()), ...(ck.extra ? { extra: ck.extra.save() } : {}) });
    };
    for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
      setRate(epoch);
      const order = epochOrder(o.seed, epoch, trainSplit.count);
      for (let b = epoch === startEpoch ? startBatch : 0; b < batches; b++) {
        o.signal?.throwIfAborted();
        const idx = order.slice(b * o.batchSize, (b + 1) * o.batchSize);
        const { x, y } = shift > 0
          ? batchTensors(shiftedBatch(trainSplit, idx, data.shape, { maxShift: shift }, batchSeed(o.seed, epoch, b)), idx.map((_, i) => i), data.features, data.classes)
          : batchTensors(trainSplit, idx, data.features, data.classes);
        const cost = optimizer.minimize(() => lossOf(x, y, { epoch, batch: b }), true, [...v.w, ...v.b]);
        afterStep?.({ epoch, batch: b, batches });
        x.dispose(); y.dispose();
        if (cost && (b % 25 === 0 || b === batches - 1)) o.onProgress?.({ epoch, batch: b + 1, batches, loss: (await cost.data())[0]! });
        cost?.dispose();
        if (ck && ((b + 1) % ck.everyBatches === 0 || b === batches - 1)) await save(epoch, b + 1);
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
