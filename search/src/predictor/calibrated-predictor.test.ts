import { describe, expect, it } from 'vitest';
import { estimateInference, extract, getProfile, randomSpec, readPackage, writePackage } from '@eve-bench/device-agent';
import { calibrate, heldOutError, opFeatures, type CostSample } from './calibrated-predictor.js';
import { createRng } from '../rng/rng.js';

/**
 * "Measurements" from a board that differs from the datasheet profile: the MSP430 profile's
 * cycle costs with 12 % more per sparse MAC (say, FRAM wait states the profile underestimates),
 * a 3.3 V rail, and ±1 % measurement noise. The calibration must learn that from features alone.
 */
function samples(n: number, seed: number): CostSample[] {
  const rng = createRng(seed);
  const p = getProfile('msp430fr5994');
  const truth = { ...p, cycles: { ...p.cycles, sparseMacF32: p.cycles.sparseMacF32 * 1.12 } };
  const out: CostSample[] = [];
  for (let i = 0; out.length < n; i++) {
    const pkg = readPackage(writePackage(randomSpec(seed * 1000 + i, [32 + rng.int(200), 16 + rng.int(64), 10])));
    for (let m = 0; m < pkg.modes.length; m++) {
      const model = extract(pkg, m);
      const c = estimateInference(truth, model.ops, model.inputLength);
      const noise = () => 1 + (rng.next() - 0.5) * 0.02;
      out.push({ features: opFeatures(model.ops, model.inputLength), latencyUs: c.seconds * 1e6 * noise(), energyUj: c.seconds * truth.activeCurrentA * 3.3 * 1e6 * noise() });
    }
  }
  return out.slice(0, n);
}

describe('calibrated cost predictor', () => {
  it('learns a board that differs from its datasheet profile, and reports held-out error', () => {
    const fit = calibrate(samples(60, 1));
    const err = heldOutError(fit, samples(30, 2));
    expect(err.latencyMape).toBeLessThan(0.02);
    expect(err.energyMape).toBeLessThan(0.02);
    // the uncalibrated datasheet profile is off by more on the same held-out set
    const p = getProfile('msp430fr5994');
    const raw = samples(30, 2).reduce((s, x) => {
      const pred = (x.features[0]! * p.cycles.denseMacF32 + x.features[1]! * p.cycles.sparseMacF32 + x.features[2]! * p.cycles.perRow + x.features[3]! * p.cycles.perInputByte + p.cycles.perInference) / p.clockHz * p.activeCurrentA * p.nominalVoltageV * 1e6;
      return s + Math.abs(pred - x.energyUj) / x.energyUj;
    }, 0) / 30;
    expect(raw).toBeGreaterThan(5 * err.energyMape);
  });

  it('refuses too few or malformed measurements', () => {
    expect(() => calibrate(samples(3, 1))).toThrow(/at least 5/);
    expect(() => calibrate(Array.from({ length: 6 }, () => ({ features: [1, 2, 3], latencyUs: 1, energyUj: 1 })))).toThrow(/finite features/);
  });
});
