import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, bundledTraces, type HarvestTrace } from '@eve-bench/device-agent';
import type { Evaluation } from '../evaluator/evaluator.js';
import { correctPerHour, scoreHarvest, type HarvestObjectiveOptions } from './harvest-objective.js';

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
  it('with ample power every request is served by the most accurate mode', () => {
    const r = correctPerHour(ev([[0.97, 50, 2000], [0.9, 10, 500]]), opts([steady(1e-3)]));
    expect(r).toBeCloseTo(0.97 * 3600, 0);
  });

  it('under scarce power a cheap extra mode yields more correct inferences than the dense one alone', () => {
    const o = opts(bundledTraces());
    const both = correctPerHour(ev([[0.97, 80, 3500], [0.95, 16, 700]]), o);
    const denseOnly = correctPerHour(ev([[0.97, 80, 3500]]), o);
    expect(both).toBeGreaterThan(denseOnly);
  });

  it('names the violated device constraint', () => {
    expect(scoreHarvest(ev([[0.9, 10, 500]], 2e6), opts([steady(1e-3)])).violated).toMatch(/weight memory/);
    expect(scoreHarvest(ev([[0.9, 10, 2e6]]), opts([steady(1e-3)])).violated).toMatch(/deadline/);
    expect(scoreHarvest(ev([[0.9, 10, 500]]), { ...opts([steady(1e-3)]), activationBytes: () => 1e5 }).violated).toMatch(/activation memory/);
    expect(scoreHarvest(ev([[0.9, 10, 500]]), opts([steady(1e-3)])).feasible).toBe(true);
  });
});
