import { describe, expect, it } from 'vitest';
import { createRng, getNetworkSpec, prunableShapes, type Dataset, type Split, type TrainedModel } from '@eve-bench/search';
import { HilEvaluator } from './hil-evaluator.js';

const rng = createRng(3);
const model = (name: string): TrainedModel => {
  const spec = getNetworkSpec(name);
  return { spec, params: prunableShapes(spec).map((s) => ({ ...s, weights: Float32Array.from({ length: s.inFeatures * s.outFeatures }, () => rng.normal()), bias: new Float32Array(s.outFeatures) })) };
};
const split = (n: number): Split => ({ images: new Uint8Array(n * 784), labels: new Uint8Array(n), count: n });
const data: Dataset = { name: 'zeros', features: 784, shape: [28, 28, 1], classes: 10, train: split(4), val: split(4), test: split(0) };
// no boards: a candidate that gets past the decoder fails with NO_BOARD_AVAILABLE instead
const hil = (name: string) => new HilEvaluator({ boards: [], dense: model(name), dataset: data, modeNames: ['a', 'b'], costSource: 'virtual', accuracyImages: 1, measureInputs: [new Uint8Array(784)] });

describe('HilEvaluator decodes candidates before touching a board', () => {
  it('refuses an int8 candidate: the boards run float32 packages', async () => {
    await expect(hil('lenet-300-100').evaluate({ sparsity: [[0.5, 0.5, 0.5], [0.8, 0.8, 0.8]], numberFormat: 'int8' }))
      .rejects.toMatchObject({ code: 'CANDIDATE_INFEASIBLE', constraint: 'number-format', message: expect.stringMatching(/int8 cannot run here/) });
  });

  it('refuses 1x4 blocks on a conv layer, naming the layer', async () => {
    await expect(hil('lenet-5').evaluate({ sparsity: [[0.5, 0.5, 0.5, 0.5, 0.2], [0.8, 0.8, 0.8, 0.8, 0.5]], granularity: ['block1x4', 'unstructured', 'unstructured', 'unstructured', 'unstructured'] }))
      .rejects.toMatchObject({ code: 'CANDIDATE_INFEASIBLE', constraint: 'kernel-format', message: expect.stringMatching(/layer 0 \(conv\)/) });
  });

  it('builds what it can run (channel pruning, block and dense kernels) and goes on to the boards', async () => {
    await expect(hil('lenet-300-100').evaluate({ sparsity: [[0.5, 0.5, 0], [0.8, 0.8, 0]], granularity: ['block1x4', 'channel', 'unstructured'], kernel: ['sparse', 'sparse', 'dense'] }))
      .rejects.toMatchObject({ code: 'NO_BOARD_AVAILABLE' });
  });
});
