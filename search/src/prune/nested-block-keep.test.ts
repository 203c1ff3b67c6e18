import { describe, expect, it } from 'vitest';
import { randomMlpSmall } from '../testing/random-model.js';
import { nestedBlockMagnitudeKeep } from './nested-block-keep.js';
import type { TrainedModel } from '../train/trained-model.js';

const randomModel = () => randomMlpSmall(5);

describe('nested 1x4 block magnitude masks', () => {
  const model = randomModel();
  const sparsity = [[0.5, 0.5, 0.2], [0.8, 0.7, 0.5], [0.9, 0.9, 0.5]];
  const keep = nestedBlockMagnitudeKeep(model, sparsity);

  it('keep or drop whole aligned blocks of four, at the requested share per mode and layer', () => {
    keep.forEach((k, l) => {
      for (let i = 0; i < k.length; i += 4) expect(new Set(k.subarray(i, i + 4)).size).toBe(1);
      for (let m = 0; m < 3; m++) expect(k.filter((v) => v >= m).length / k.length).toBeCloseTo(1 - sparsity[m]![l]!, 2);
    });
  });

  it('nest, and rank blocks by their norm: every kept block outweighs every dropped one', () => {
    const w = model.params[0]!.weights;
    const k = keep[0]!;
    const norm = (i: number) => w[i]! ** 2 + w[i + 1]! ** 2 + w[i + 2]! ** 2 + w[i + 3]! ** 2;
    for (let m = 0; m < 3; m++) {
      let minKept = Infinity, maxDropped = 0;
      for (let i = 0; i < k.length; i += 4) {
        if (k[i]! >= m) minKept = Math.min(minKept, norm(i)); else maxDropped = Math.max(maxDropped, norm(i));
      }
      expect(minKept).toBeGreaterThanOrEqual(maxDropped);
    }
  });

  it('falls back to per-weight masks for rows that do not split into fours', () => {
    const odd: TrainedModel = { spec: model.spec, params: [{ inFeatures: 6, outFeatures: 2, weights: Float32Array.from([1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1]), bias: new Float32Array(2) }] };
    const k = nestedBlockMagnitudeKeep(odd, [[0.5]])[0]!;
    expect([...k]).toEqual([-1, -1, -1, 0, 0, 0, 0, 0, 0, -1, -1, -1]);
  });
});
