import { describe, expect, it } from 'vitest';
import { EMPTY_DRAIN_RECORD, drainProbability, observeStorage, type DrainRecord } from './drain-record.js';

const fold = (periods: { full: boolean; ranEmpty: boolean }[]): DrainRecord => periods.reduce(observeStorage, EMPTY_DRAIN_RECORD);
const FULL = { full: true, ranEmpty: false };
const EMPTY = { full: false, ranEmpty: true };
const BETWEEN = { full: false, ranEmpty: false };

describe('drain record', () => {
  it('counts a drain only when the capacitor runs empty after having been full, once per excursion', () => {
    expect(fold([EMPTY, EMPTY, BETWEEN]).drains).toBe(0); // never full: a cold start is no drain
    const r = fold([FULL, FULL, BETWEEN, EMPTY, EMPTY, BETWEEN, FULL, EMPTY]);
    expect(r).toEqual({ fullPeriods: 3, drains: 2, armed: false });
  });

  it('estimates the chance of a drain by the rule of succession, with a margin for little evidence', () => {
    expect(drainProbability(EMPTY_DRAIN_RECORD, 0)).toBe(0.5);
    const quiet = { fullPeriods: 98, drains: 0, armed: true };
    expect(drainProbability(quiet, 0)).toBeCloseTo(1 / 100, 12);
    expect(drainProbability(quiet, 1)).toBeGreaterThan(1 / 100);
    // the same rate on ten times the evidence: the same mean, a smaller margin
    const longer = { fullPeriods: 998, drains: 9, armed: true };
    expect(drainProbability(longer, 0)).toBeCloseTo(1 / 100, 12);
    expect(drainProbability(longer, 1)).toBeLessThan(drainProbability(quiet, 1));
    expect(drainProbability(EMPTY_DRAIN_RECORD, 100)).toBe(1);
  });
});
