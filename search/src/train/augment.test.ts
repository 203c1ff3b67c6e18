import { describe, expect, it } from 'vitest';
import { batchSeed, shiftedBatch, validateAugment } from './augment.js';

// 4x4 single-channel images whose pixel values are 1 + their index, so a shift is easy to read
const image = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const split = { images: Uint8Array.from([...image, ...image]), labels: Uint8Array.from([3, 7]), count: 2 };

describe('shiftedBatch', () => {
  it('keeps images and labels when the shift is 0', () => {
    const out = shiftedBatch(split, [1, 0], [4, 4, 1], { maxShift: 0 }, 1);
    expect(Array.from(out.labels)).toEqual([7, 3]);
    expect(Array.from(out.images)).toEqual([...image, ...image]);
  });

  it('moves each image by whole pixels with zero fill, preserving every pixel that stays inside', () => {
    for (let seed = 0; seed < 20; seed++) {
      const out = shiftedBatch(split, [0], [4, 4, 1], { maxShift: 1 }, seed);
      const px = Array.from(out.images);
      const kept = px.filter((v) => v > 0);
      // a shift of (dx, dy) keeps (4 - |dx|) * (4 - |dy|) pixels, in the original order
      expect([16, 12, 9]).toContain(kept.length);
      expect([...kept].sort((a, b) => a - b)).toEqual(kept);
      // neighbours along a row stay neighbours
      for (let i = 0; i + 1 < 16; i++) if (px[i]! > 0 && px[i + 1]! > 0 && i % 4 !== 3) expect(px[i + 1]! - px[i]!).toBe(1);
    }
  });

  it('draws the same shifts for the same (seed, epoch, batch) and different ones for another batch', () => {
    const a = shiftedBatch(split, [0, 1], [4, 4, 1], { maxShift: 2 }, batchSeed(1, 2, 3));
    const b = shiftedBatch(split, [0, 1], [4, 4, 1], { maxShift: 2 }, batchSeed(1, 2, 3));
    expect(a.images).toEqual(b.images);
    const others = [4, 5, 6, 7].map((k) => shiftedBatch(split, [0, 1], [4, 4, 1], { maxShift: 2 }, batchSeed(1, 2, k)).images);
    expect(others.some((o) => o.some((v, i) => v !== a.images[i]))).toBe(true);
  });

  it('rejects a shift that is not a small whole number', () => {
    expect(() => validateAugment({ maxShift: 1.5 })).toThrow(expect.objectContaining({ code: 'AUGMENT_INVALID' }));
  });
});
