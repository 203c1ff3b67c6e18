import { describe, expect, it } from 'vitest';
import { indoorLight, mulberry32, outdoorSolar, rfHarvest } from './generators.js';
import { powerAt, traceDurationS, validateTrace } from './trace.js';
import { isEveError } from '../errors/eve-error.js';

describe('harvest trace generators', () => {
  it('are reproducible from a seed and differ across seeds', () => {
    const a = indoorLight(mulberry32(7), { durationS: 60, stepS: 0.1 });
    const b = indoorLight(mulberry32(7), { durationS: 60, stepS: 0.1 });
    const c = indoorLight(mulberry32(8), { durationS: 60, stepS: 0.1 });
    expect(Array.from(a.powerW)).toEqual(Array.from(b.powerW));
    expect(Array.from(a.powerW)).not.toEqual(Array.from(c.powerW));
    expect(traceDurationS(a)).toBeCloseTo(60);
  });

  it('indoor light switches between the lit and dark levels', () => {
    const t = indoorLight(mulberry32(1), { durationS: 600, stepS: 1, meanSwitchS: 60 });
    const lit = Array.from(t.powerW).filter((p) => p > 50e-6).length;
    expect(lit).toBeGreaterThan(0);
    expect(lit).toBeLessThan(t.powerW.length);
  });

  it('outdoor solar is zero at sunrise and peaks near noon', () => {
    const t = outdoorSolar(mulberry32(3), { durationS: 1000, stepS: 1, cloudRate: 0 });
    expect(t.powerW[0]).toBe(0);
    expect(powerAt(t, 500)).toBeCloseTo(90e-3, 3);
  });

  it('RF power follows Friis on average', () => {
    const t = rfHarvest(mulberry32(5), { durationS: 20000, stepS: 1, distanceM: 3 });
    const mean = t.powerW.reduce((s, p) => s + p, 0) / t.powerW.length;
    const lambda = 299_792_458 / 915e6;
    const friis = 3 * (lambda / (4 * Math.PI * 3)) ** 2 * 0.3;
    expect(mean / friis).toBeGreaterThan(0.95);
    expect(mean / friis).toBeLessThan(1.05);
  });

  it('rejects negative or non-finite samples with a typed error', () => {
    const bad = { name: 'x', stepS: 1, powerW: Float64Array.from([1, -1]), provenance: 'test' };
    expect(() => validateTrace(bad)).toThrow(/sample 1/);
    try { validateTrace(bad); } catch (e) { expect(isEveError(e, 'TRACE_BAD_SAMPLE')).toBe(true); }
  });
});
