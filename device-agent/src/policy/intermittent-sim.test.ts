import { describe, expect, it } from 'vitest';
import { simulateIntermittent } from './intermittent-sim.js';
import { DEFAULT_POLICY, singleModelPolicy, type ModeCost } from './mode-policy.js';
import type { HarvestTrace } from '../harvest/trace.js';

const constant = (powerW: number, durationS: number): HarvestTrace => ({ name: 'constant', stepS: 1, powerW: new Float64Array(durationS).fill(powerW), provenance: 'test' });
const storage = { capacitanceF: 100e-6, maxV: 3.3, brownOutV: 1.8 };
const usable = 0.5 * 100e-6 * (3.3 ** 2 - 1.8 ** 2);
const mode: ModeCost[] = [{ energyJ: 50e-6, latencyS: 1e-3, accuracy: 0.9 }];

describe('intermittent simulator', () => {
  it('reports what a full capacitor clips, and the energy balances', () => {
    // 100 µW in, 50 µJ per one-second request: the capacitor fills and then clips ~50 µJ a second
    const r = simulateIntermittent({ trace: constant(100e-6, 600), storage, modes: mode, periodS: 1, sleepPowerW: 0, policy: singleModelPolicy(0), options: DEFAULT_POLICY });
    expect(r.completed).toBe(600);
    expect(r.harvestedJ).toBeCloseTo(600 * 100e-6, 9);
    // start half full, end full: harvested = used + stored gain + clipped
    expect(r.harvestedJ - 600 * 50e-6 - usable / 2 - r.clippedJ).toBeCloseTo(0, 9);
    expect(r.clippedJ).toBeGreaterThan(0);
  });

  it('clips nothing when the load uses every joule harvested', () => {
    const r = simulateIntermittent({ trace: constant(20e-6, 600), storage, modes: mode, periodS: 1, sleepPowerW: 0, policy: singleModelPolicy(0), options: DEFAULT_POLICY });
    expect(r.clippedJ).toBe(0);
    expect(r.completed).toBeLessThan(600);
    expect(r.correct).toBeCloseTo(r.completed * 0.9, 9);
  });
});
