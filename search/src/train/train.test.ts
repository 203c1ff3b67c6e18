import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from './backend.js';
import { evaluateAccuracy, trainDense } from './train-dense.js';
import { loadMnist } from '../data/mnist.js';
import { getNetworkSpec } from '../models/network-spec.js';
import { nestedMagnitudeKeep } from '../prune/nested-keep.js';
import { fineTuneJoint } from '../prune/fine-tune-joint.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainedModel } from './trained-model.js';

let data: Dataset;
let dense: TrainedModel;

beforeAll(async () => {
  await initWasmBackend();
  data = await loadMnist({ trainCount: 3000, valCount: 300, testCount: 500, seed: 1 });
  dense = await trainDense(getNetworkSpec('mlp-small'), data, { epochs: 1, batchSize: 64, learningRate: 0.002, seed: 1 });
}, 120_000);

describe('training on MNIST with TensorFlow.js (WASM)', () => {
  it('learns: a small MLP on 3,000 images for one epoch is far above chance', () => {
    expect(evaluateAccuracy(dense, data.test, data.features)).toBeGreaterThan(0.8);
  });

  it('evaluates with or without the feature count, and refuses a wrong one', () => {
    const keep = nestedMagnitudeKeep(dense, [[0.5, 0.5, 0.3], [0.9, 0.9, 0.6]]);
    expect(evaluateAccuracy(dense, data.test)).toBe(evaluateAccuracy(dense, data.test, data.features));
    expect(evaluateAccuracy(dense, data.test, keep, 1)).toBe(evaluateAccuracy(dense, data.test, data.features, keep, 1));
    expect(evaluateAccuracy(dense, data.test, keep, 1)).toBeLessThan(evaluateAccuracy(dense, data.test, keep, 0));
    expect(() => evaluateAccuracy(dense, data.test, 100)).toThrow(/784 input values/);
  });

  it('reports progress and stops when aborted', async () => {
    const small = { ...data, train: { ...data.train, count: 320, images: data.train.images.subarray(0, 320 * 784), labels: data.train.labels.subarray(0, 320) } };
    const progress: number[] = [];
    await trainDense(getNetworkSpec('mlp-small'), small, { epochs: 1, batchSize: 64, learningRate: 0.002, seed: 1, onProgress: (p) => progress.push(p.batch) });
    expect(progress.at(-1)).toBe(5);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(trainDense(getNetworkSpec('mlp-small'), small, { epochs: 1, batchSize: 64, learningRate: 0.002, seed: 1, signal: ac.signal })).rejects.toThrow('stop');
  });

  it('is reproducible for a seed', async () => {
    const again = await trainDense(getNetworkSpec('mlp-small'), { ...data, train: { ...data.train, count: 640, images: data.train.images.subarray(0, 640 * 784), labels: data.train.labels.subarray(0, 640) } }, { epochs: 1, batchSize: 64, learningRate: 0.002, seed: 7 });
    const twice = await trainDense(getNetworkSpec('mlp-small'), { ...data, train: { ...data.train, count: 640, images: data.train.images.subarray(0, 640 * 784), labels: data.train.labels.subarray(0, 640) } }, { epochs: 1, batchSize: 64, learningRate: 0.002, seed: 7 });
    expect(Array.from(again.params[2]!.weights.slice(0, 50))).toEqual(Array.from(twice.params[2]!.weights.slice(0, 50)));
  });

  it('joint fine-tuning keeps pruned weights at zero and recovers the sparsest mode', async () => {
    const sparsity = [[0.5, 0.5, 0.3], [0.8, 0.8, 0.5], [0.95, 0.9, 0.6]];
    const keep = nestedMagnitudeKeep(dense, sparsity);
    const before = evaluateAccuracy(dense, data.val, data.features, keep, 2);
    const tuned = await fineTuneJoint(dense, keep, data, { epochs: 1, batchSize: 64, learningRate: 0.001, seed: 1 });
    tuned.params.forEach((p, l) => p.weights.forEach((w, i) => { if (keep[l]![i] === -1) expect(Math.abs(w)).toBe(0); }));
    const after = evaluateAccuracy(tuned, data.val, data.features, keep, 2);
    expect(after).toBeGreaterThan(before);
  });
});
