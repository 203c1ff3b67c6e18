import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../harvest/generators.js';
import { MAX_SHIFT, quantizeMultiplier, requantize } from './fixed-point.js';

/** The reference: 64-bit integer arithmetic, as the generated C does it. */
function reference(acc: number, m: number, shift: number): number {
  return Number((BigInt(acc) * BigInt(m) + (1n << BigInt(shift - 1))) >> BigInt(shift));
}

describe('fixed-point requantization', () => {
  it('matches 64-bit integer arithmetic bit for bit, including the extremes', () => {
    const u = mulberry32(3);
    const accs = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31) + 1, 12345, -12345];
    const cases: Array<[number, number, number]> = [];
    for (const acc of accs) for (const shift of [16, 31, 40, MAX_SHIFT]) cases.push([acc, 2 ** 31 - 1, shift], [acc, 2 ** 30, shift], [acc, 0, shift]);
    for (let i = 0; i < 20_000; i++) {
      const acc = Math.floor((u() * 2 - 1) * 2 ** (1 + u() * 30));
      const m = 2 ** 30 + Math.floor(u() * 2 ** 30);
      cases.push([acc, m, 16 + Math.floor(u() * (MAX_SHIFT - 15))]);
    }
    for (const [acc, m, s] of cases) expect(requantize(acc, m, s), `${acc}*${m}>>${s}`).toBe(reference(acc, m, s));
  });

  it('rounds halves towards +infinity (arithmetic shift of the rounded product)', () => {
    const { multiplier, shift } = quantizeMultiplier(0.5);
    expect(requantize(3, multiplier, shift)).toBe(2); // 1.5 -> 2
    expect(requantize(-3, multiplier, shift)).toBe(-1); // -1.5 -> -1
  });

  it('represents factors with a normalised Q31 multiplier', () => {
    for (const real of [1e-9, 0.001, 0.3, 1, 1.5, 1000]) {
      const { multiplier, shift } = quantizeMultiplier(real);
      expect(multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs(multiplier / 2 ** shift - real) / real).toBeLessThan(1e-9);
    }
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 16 });
    expect(() => quantizeMultiplier(1e6)).toThrow(/QUANT_MULTIPLIER|requantization/);
    expect(() => quantizeMultiplier(Number.NaN)).toThrow();
  });
});
