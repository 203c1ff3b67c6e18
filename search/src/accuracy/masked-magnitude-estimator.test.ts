import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../train/backend.js';
import { evaluateAccuracy, trainDense } from '../train/train-dense.js';
import { loadMnist } from '../data/mnist.js';
import { getNetworkSpec } from '../models/network-spec.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainedModel } from '../train/trained-model.js';
import { MaskedMagnitudeEstimator } from './masked-magnitude-estimator.js';

let data: Dataset;
let dense: TrainedModel;

beforeAll(async () => {
  await initWasmBackend();
  data = await loadMnist({ trainCount: 2000, valCount: 300, testCount: 0, seed: 2 });
  dense = await trainDense(getNetworkSpec('mlp-small'), data, { epochs: 1, batchSize: 64, learningRate: 0.002, seed: 2 });
}, 120_000);

describe('MaskedMagnitudeEstimator', () => {
  it('measures each nested mode on the validation subset: denser modes above chance, extreme sparsity degrades', async () => {
    const est = new MaskedMagnitudeEstimator({ dense, val: data.val, features: data.features, images: 200 });
    const sub = { images: data.val.images.subarray(0, 200 * data.features), labels: data.val.labels.subarray(0, 200), count: 200 };
    const acc = await est.estimate({ sparsity: [[0, 0, 0], [0.5, 0.5, 0.3], [0.99, 0.99, 0.9]] });
    expect(acc[0]).toBe(evaluateAccuracy(dense, sub, data.features)); // mode 0 at 0 % is the dense network
    expect(acc[1]).toBeGreaterThan(0.5);
    expect(acc[2]).toBeLessThan(acc[0]!);
  });

  it('caches by mask key: the same sparsities are measured once', async () => {
    const est = new MaskedMagnitudeEstimator({ dense, val: data.val, features: data.features, images: 100 });
    const a = await est.estimate({ sparsity: [[0.5, 0.5, 0.5], [0.8, 0.8, 0.8]] });
    const b = await est.estimate({ sparsity: [[0.5, 0.5, 0.5], [0.8, 0.8, 0.8]] });
    expect(b).toBe(a);
    expect(est.cached).toBe(1);
  });

  it('rejects a non-nested candidate with a typed error', async () => {
    const est = new MaskedMagnitudeEstimator({ dense, val: data.val, features: data.features, images: 100 });
    await expect(est.estimate({ sparsity: [[0.8, 0.5, 0.5], [0.5, 0.5, 0.5]] })).rejects.toMatchObject({ code: 'CANDIDATE_INVALID' });
  });
});
