import { describe, expect, it } from 'vitest';
import { observeHarvest, plannedHarvestW } from './harvest-estimate.js';

describe('harvest estimate', () => {
  it('starts at the first observation', () => {
    const e = observeHarvest(null, 50e-6, 1, 60);
    expect(e).toEqual({ lastW: 50e-6, meanW: 50e-6, nowW: 50e-6 });
    expect(plannedHarvestW(e)).toBe(50e-6);
  });

  it('plans with the running mean after a single bright period, and with the last period after a drop', () => {
    let e = observeHarvest(null, 50e-6, 1, 60);
    for (let i = 0; i < 100; i++) e = observeHarvest(e, 50e-6, 1, 60);
    const bright = observeHarvest(e, 500e-6, 1, 60);
    expect(plannedHarvestW(bright)).toBeGreaterThan(50e-6);
    expect(plannedHarvestW(bright)).toBeLessThan(60e-6);
    const dark = observeHarvest(e, 5e-6, 1, 60);
    expect(plannedHarvestW(dark)).toBe(5e-6);
  });

  it('plans with the latest sample when the supply dropped late in the period', () => {
    let e = observeHarvest(null, 100e-6, 5, 60);
    for (let i = 0; i < 100; i++) e = observeHarvest(e, 100e-6, 5, 60);
    // lights off for the last second of a five-second period: the period's mean barely moved
    const dropping = observeHarvest(e, 81.6e-6, 5, 60, 8e-6);
    expect(plannedHarvestW(dropping)).toBe(8e-6);
  });

  it('moves the mean by 1 - e^(-period/tau) of the gap per observation', () => {
    const e = observeHarvest(observeHarvest(null, 0, 1, 60), 1, 30, 60);
    expect(e.meanW).toBeCloseTo(1 - Math.exp(-0.5), 12);
  });
});
