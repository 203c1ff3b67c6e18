import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, bundledTraces, type HarvestTrace } from '@eve-bench/device-agent';
import type { Evaluation } from '../evaluator/evaluator.js';
import { activationBytesOf, correctPerHour, scoreHarvest, type HarvestObjectiveOptions } from './harvest-objective.js';
import { networkGeometry } from '../space/network-geometry.js';
import { getNetworkSpec } from '../models/network-spec.js';

const steady = (powerW: number): HarvestTrace => ({ name: 'steady', provenance: 'test', stepS: 1, powerW: new Float64Array(600).fill(powerW) });
const opts = (traces: HarvestTrace[]): HarvestObjectiveOptions => ({
  traces, storage: { capacitanceF: 100e-6, maxV: 3.3, brownOutV: 1.8 }, periodS: 1, sleepPowerW: 4.6e-6, policy: DEFAULT_POLICY,
  weightMemoryBytes: 1e6, activationMemoryBytes: 64e3,
});
const ev = (modes: [number, number, number][], packageBytes = 1000): Evaluation => ({
  candidate: { sparsity: [] }, costSource: 'predicted', packageBytes,
  modes: modes.map(([accuracy, energyUj, latencyUs]) => ({ accuracy, energyUj, latencyUs, sparsity: 0 })),
});

describe('harvest objective', () => {
  it('with ample power every request is served, by the most accurate mode once the supply has shown itself steady', () => {
    // the policy upgrades only once its record makes a drop unlikely enough (device-agent drain-record.ts)
    const hour: HarvestTrace = { ...steady(1e-3), powerW: new Float64Array(3600).fill(1e-3) };
    const r = correctPerHour(ev([[0.97, 50, 2000], [0.9, 10, 500]]), opts([hour]));
    expect(r).toBeLessThanOrEqual(0.97 * 3600 + 1e-6);
    expect(r).toBeGreaterThan(0.99 * 0.97 * 3600);
  });

  it('under scarce power a cheap extra mode yields more correct inferences than the dense one alone', () => {
    const o = opts(bundledTraces());
    const both = correctPerHour(ev([[0.97, 80, 3500], [0.95, 16, 700]]), o);
    const denseOnly = correctPerHour(ev([[0.97, 80, 3500]]), o);
    expect(both).toBeGreaterThan(denseOnly);
  });

  it('names the violated device constraint and how far past its budget the candidate is', () => {
    const o = opts([steady(1e-3)]);
    const memory = scoreHarvest(ev([[0.9, 10, 500]], 2e6), o);
    expect(memory.violated).toMatch(/weight memory/);
    expect(memory.excess).toBeCloseTo(2e6 / o.weightMemoryBytes - 1, 12);
    const late = scoreHarvest(ev([[0.9, 10, 2e6]]), o);
    expect(late.violated).toMatch(/deadline/);
    expect(late.excess).toBeCloseTo(2e6 / (o.periodS * 1e6) - 1, 12);
    expect(scoreHarvest(ev([[0.9, 10, 500]]), { ...opts([steady(1e-3)]), activationBytes: () => 1e5 }).violated).toMatch(/activation memory/);
    expect(scoreHarvest(ev([[0.9, 10, 500]]), opts([steady(1e-3)])).feasible).toBe(true);
  });

  it('runs the candidate\'s own policy parameters when it brings them', () => {
    const o = opts(bundledTraces());
    const base = ev([[0.97, 80, 3500], [0.95, 16, 700]]);
    const hoarding = { ...base, candidate: { sparsity: [], policy: { ...DEFAULT_POLICY, reserveJ: 300e-6 } } };
    expect(correctPerHour(hoarding, o)).toBeLessThan(correctPerHour(base, o));
    expect(correctPerHour({ ...base, candidate: { sparsity: [], policy: DEFAULT_POLICY } }, o)).toBe(correctPerHour(base, o));
  });

  it('counts activations in the candidate\'s number format against the SRAM, and checks accuracy floors first', () => {
    const o = { ...opts([steady(1e-3)]), activationMemoryBytes: 8192, activationBytes: activationBytesOf(networkGeometry(getNetworkSpec('lenet-5'))) };
    expect(scoreHarvest(ev([[0.9, 10, 500]]), o).violated).toBe('activation memory: 30784 B exceeds 8192 B');
    expect(scoreHarvest({ ...ev([[0.9, 10, 500]]), candidate: { sparsity: [], numberFormat: 'int8' } }, o).feasible).toBe(true);
    const floors = { denseAccuracy: 0.98, maxDrop: [1], lossWeights: [1] };
    expect(scoreHarvest(ev([[0.9, 10, 500]]), { ...o, floors })).toMatchObject({ feasible: false, violated: expect.stringMatching(/mode 0 accuracy 90.0 % is below its floor 97.0 %/) });
    const ok = scoreHarvest({ ...ev([[0.975, 10, 500]]), candidate: { sparsity: [], numberFormat: 'int8' } }, { ...o, floors });
    expect(ok.feasible).toBe(true);
    expect(ok.margin).toBeCloseTo(0.5, 6);
  });
});
