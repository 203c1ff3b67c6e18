import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../train/backend.js';
import { evaluateAccuracy, trainDense } from '../train/train-dense.js';
import { loadMnist } from '../data/mnist.js';
import { getNetworkSpec } from '../models/network-spec.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainedModel } from '../train/trained-model.js';
import { keepFromRanks, magnitudeRanks, sandwichConfigs, trainSandwich } from './sandwich.js';
import { SupernetAccuracyEstimator } from './supernet-estimator.js';
import { nestedMagnitudeKeep } from '../prune/nested-keep.js';

let data: Dataset;
let dense: TrainedModel;
beforeAll(async () => {
  await initWasmBackend();
  data = await loadMnist({ trainCount: 3000, valCount: 500, testCount: 10, seed: 2 });
  dense = await trainDense(getNetworkSpec('mlp-small'), data, { epochs: 1, batchSize: 64, learningRate: 0.002, seed: 2 });
}, 120_000);

const choices = [0.5, 0.7, 0.8, 0.9, 0.95];
const sparse = [[0.5, 0.5, 0.5], [0.8, 0.8, 0.7], [0.95, 0.95, 0.9]];

describe('sandwich supernet', () => {
  it('rank masks nest, and on the dense weights equal the magnitude masks', () => {
    const keep = keepFromRanks(magnitudeRanks(dense), sparse);
    expect(keep.map((k) => Array.from(k))).toEqual(nestedMagnitudeKeep(dense, sparse).map((k) => Array.from(k)));
  });

  it('each step trains the densest, the sparsest and seeded random configurations', () => {
    const a = sandwichConfigs(choices, 3, 2, 7, 1, 5);
    expect(a[0]).toEqual([0.5, 0.5, 0.5]);
    expect(a[1]).toEqual([0.95, 0.95, 0.95]);
    expect(a).toHaveLength(4);
    expect(sandwichConfigs(choices, 3, 2, 7, 1, 5)).toEqual(a);
    expect(sandwichConfigs(choices, 3, 2, 7, 1, 6)).not.toEqual(a);
  });

  it('a capped layer is never trained sparser than its cap', () => {
    for (let batch = 0; batch < 20; batch++) {
      const configs = sandwichConfigs(choices, 3, 4, 7, 0, batch, [0.7, null, null]);
      expect(configs.every((c) => c[0]! <= 0.7)).toBe(true);
      expect(configs[1]).toEqual([0.7, 0.95, 0.95]);
    }
  });

  it('scores sparse modes far better than the dense weights do, without per-candidate fine-tuning', async () => {
    const supernet = await trainSandwich(dense, data, { epochs: 1, batchSize: 64, learningRate: 0.001, seed: 2, choices, trainCount: 2000 });
    const estimator = new SupernetAccuracyEstimator(supernet, data.val);
    const est = estimator.estimateNow({ sparsity: sparse });
    const before = keepFromRanks(supernet.ranks, sparse);
    const denseSparsest = evaluateAccuracy(dense, data.val, before, 2);
    expect(est).toHaveLength(3);
    expect(est[2]!).toBeGreaterThan(denseSparsest + 0.02);
    expect(est[0]!).toBeGreaterThan(0.85);
    expect(est[0]!).toBeGreaterThanOrEqual(est[2]!);
  });

  it('trains with distillation from the dense model and rejects a bad distillation setting', async () => {
    const supernet = await trainSandwich(dense, data, { epochs: 1, batchSize: 64, learningRate: 0.001, seed: 2, choices, trainCount: 640, distill: { temperature: 4, alpha: 0.7 } });
    const est = new SupernetAccuracyEstimator(supernet, data.val).estimateNow({ sparsity: sparse });
    expect(est[0]!).toBeGreaterThan(0.8);
    await expect(trainSandwich(dense, data, { epochs: 1, batchSize: 64, learningRate: 0.001, seed: 2, choices, trainCount: 64, distill: { temperature: 4, alpha: 1.5 } }))
      .rejects.toThrow(/supernet\.distill\.alpha/);
  });
});
