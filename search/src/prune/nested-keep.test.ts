import { describe, expect, it } from 'vitest';
import { randomMlpSmall } from '../testing/random-model.js';
import { nestedMagnitudeKeep } from './nested-keep.js';

const randomModel = () => randomMlpSmall(3);

describe('nested magnitude masks', () => {
  const model = randomModel();
  const sparsity = [[0.5, 0.5, 0.2], [0.8, 0.7, 0.5], [0.95, 0.9, 0.5]];
  const keep = nestedMagnitudeKeep(model, sparsity);

  it('keep the requested share of weights per mode and layer', () => {
    keep.forEach((k, l) => {
      for (let m = 0; m < 3; m++) {
        const kept = k.reduce((s, v) => s + (v >= m ? 1 : 0), 0);
        expect(kept / k.length).toBeCloseTo(1 - sparsity[m]![l]!, 2);
      }
    });
  });

  it('nest: every weight a sparser mode keeps is kept by the denser modes, and the largest survive', () => {
    keep.forEach((k, l) => {
      const w = model.params[l]!.weights;
      let minKept2 = Infinity; let maxDropped2 = 0;
      k.forEach((v, i) => { if (v >= 2) minKept2 = Math.min(minKept2, Math.abs(w[i]!)); else maxDropped2 = Math.max(maxDropped2, Math.abs(w[i]!)); });
      expect(minKept2).toBeGreaterThanOrEqual(maxDropped2);
    });
  });

  it('refuses candidates that do not nest or do not fit the network', () => {
    expect(() => nestedMagnitudeKeep(model, [[0.8, 0.5, 0.5], [0.5, 0.5, 0.5]])).toThrow(/modes must nest/);
    expect(() => nestedMagnitudeKeep(model, [[0.5, 0.5]])).toThrow(/3 prunable layers/);
  });
});
