import { describe, expect, it } from 'vitest';
import { randomMlpSmall } from '../testing/random-model.js';
import { nestedChannelKeep } from './nested-channel-keep.js';

const randomModel = () => randomMlpSmall(11);

describe('nested output-channel masks', () => {
  const model = randomModel();
  const sparsity = [[0.5, 0.25, 0.2], [0.75, 0.5, 0.5], [0.9, 0.75, 0.7]];
  const keep = nestedChannelKeep(model, sparsity);

  it('keep or drop whole output rows, round(rows · (1 − s)) of them per mode', () => {
    keep.forEach((k, l) => {
      const { inFeatures: cols, outFeatures: rows } = model.params[l]!;
      for (let r = 0; r < rows; r++) expect(new Set(k.subarray(r * cols, (r + 1) * cols)).size).toBe(1);
      for (let m = 0; m < 3; m++) {
        const keptRows = Array.from({ length: rows }, (_, r) => k[r * cols]!).filter((v) => v >= m).length;
        expect(keptRows).toBe(Math.max(1, Math.round(rows * (1 - sparsity[m]![l]!))));
      }
    });
  });

  it('rank rows by norm in every mode: each kept row outweighs each dropped one (so the modes nest)', () => {
    const { weights: w, inFeatures: cols, outFeatures: rows } = model.params[1]!;
    const k = keep[1]!;
    const norm = (r: number) => w.subarray(r * cols, (r + 1) * cols).reduce((s, x) => s + x * x, 0);
    for (let m = 1; m < 3; m++) {
      let minKept = Infinity, maxDropped = 0;
      for (let r = 0; r < rows; r++) {
        if (k[r * cols]! >= m) minKept = Math.min(minKept, norm(r)); else maxDropped = Math.max(maxDropped, norm(r));
      }
      expect(minKept).toBeGreaterThanOrEqual(maxDropped);
    }
  });

  it('keeps at least one channel even at the highest sparsity, and rejects non-nested sparsities', () => {
    const k = nestedChannelKeep(model, [[0.99, 0.99, 0.99]])[2]!;
    expect(k.filter((v) => v === 0).length).toBe(64);
    expect(() => nestedChannelKeep(model, [[0.8, 0.5, 0.5], [0.5, 0.5, 0.5]])).toThrow(/modes must nest/);
  });
});
