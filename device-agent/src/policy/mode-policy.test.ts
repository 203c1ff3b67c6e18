import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, selectMode, singleModelPolicy, undominated, type ModeCost, type PolicyInput } from './mode-policy.js';
import { simulateIntermittent, type StorageSpec } from './intermittent-sim.js';
import { bundledTraces } from '../harvest/bundled.js';
import { isEveError } from '../errors/eve-error.js';
import { EMPTY_DRAIN_RECORD, type DrainRecord } from './drain-record.js';

// per-mode costs and accuracies measured by `npm run demo` on the virtual STM32L476 (BENCHMARKS.md)
const modes: ModeCost[] = [
  { energyJ: 79.8e-6, latencyS: 3563e-6, accuracy: 0.974 },
  { energyJ: 25.2e-6, latencyS: 1117e-6, accuracy: 0.970 },
  { energyJ: 16.1e-6, latencyS: 709e-6, accuracy: 0.955 },
];
const dense: ModeCost[] = [{ energyJ: 122.8e-6, latencyS: 5553e-6, accuracy: 0.968 }];
const storage: StorageSpec = { capacitanceF: 100e-6, maxV: 3.3, brownOutV: 1.8 };
// a supply that has stayed up for a million full-capacitor requests: clipped energy is as good as certain
const SETTLED: DrainRecord = { fullPeriods: 1e6, drains: 0, armed: true };

describe('mode policy', () => {
  const capacityJ = 300e-6;
  const base: PolicyInput = { storedEnergyJ: 0, capacityJ, harvestPowerW: 0, sleepPowerW: 0, modes, deadlineS: 1, previousMode: null, drainRecord: SETTLED, options: DEFAULT_POLICY };

  it('spends scarce energy on the mode with the best accuracy per joule, though the store would pay for a denser one', () => {
    // half full, harvest below what even the sparsest mode draws per request
    expect(selectMode({ ...base, storedEnergyJ: 150e-6, harvestPowerW: 10e-6 })).toBe(2);
    // half full, ample harvest: still nothing a full capacitor would clip within the repayment
    expect(selectMode({ ...base, storedEnergyJ: 150e-6, harvestPowerW: 40e-6 })).toBe(2);
  });

  it('upgrades only with energy a full capacitor would clip before the upgrade is repaid', () => {
    // full, 5 µJ a request clipped after the sparsest mode: two requests repay mode 1's 9.1 µJ extra;
    // mode 0's 63.7 µJ would take 13, more than the horizon
    expect(selectMode({ ...base, storedEnergyJ: capacityJ, harvestPowerW: 21.1e-6 })).toBe(1);
    // 20 µJ a request: four requests repay mode 0
    expect(selectMode({ ...base, storedEnergyJ: capacityJ, harvestPowerW: 36.1e-6 })).toBe(0);
    expect(selectMode({ ...base, storedEnergyJ: capacityJ, harvestPowerW: 1e-3 })).toBe(0);
    // 0.9 µJ a request: even mode 1 would take 11 requests to repay
    expect(selectMode({ ...base, storedEnergyJ: capacityJ, harvestPowerW: 17e-6 })).toBe(2);
  });

  it('counts the sleep draw against the inflow', () => {
    expect(selectMode({ ...base, storedEnergyJ: capacityJ, harvestPowerW: 21.1e-6 })).toBe(1);
    expect(selectMode({ ...base, storedEnergyJ: capacityJ, harvestPowerW: 21.1e-6, sleepPowerW: 5e-6 })).toBe(2);
  });

  it('skips the request when no mode fits what is stored above the reserve', () => {
    expect(selectMode({ ...base, storedEnergyJ: 30e-6 })).toBeNull();
    expect(selectMode({ ...base, storedEnergyJ: 40e-6 })).toBe(2);
  });

  it('ranks modes by accuracy and cost, not by their order in the package', () => {
    // fine-tuning left the middle mode more accurate than the densest one
    const swapped: ModeCost[] = [modes[0]!, { ...modes[1]!, accuracy: 0.98 }, modes[2]!];
    expect(selectMode({ ...base, modes: swapped, storedEnergyJ: capacityJ, harvestPowerW: 1e-3 })).toBe(1);
    // the same modes listed sparsest first
    const reversed = [...modes].reverse();
    expect(selectMode({ ...base, modes: reversed, storedEnergyJ: 150e-6, harvestPowerW: 10e-6 })).toBe(0);
    expect(selectMode({ ...base, modes: reversed, storedEnergyJ: capacityJ, harvestPowerW: 1e-3 })).toBe(2);
  });

  it('never runs a mode costlier and not more accurate than another', () => {
    // the trained LeNet-300-100's modes (BENCHMARKS.md): the densest is less accurate than the middle one
    const trained: ModeCost[] = [
      { energyJ: 367.8e-6, latencyS: 15.3e-3, accuracy: 0.979 },
      { energyJ: 149.7e-6, latencyS: 6.2e-3, accuracy: 0.984 },
      { energyJ: 62.8e-6, latencyS: 2.6e-3, accuracy: 0.975 },
    ];
    expect(undominated(trained, [0, 1, 2])).toEqual([1, 2]);
    expect(undominated([modes[0]!, { ...modes[1]!, accuracy: modes[0]!.accuracy }], [0, 1])).toEqual([1]);
    expect(selectMode({ ...base, modes: trained, capacityJ: 3.8e-3, storedEnergyJ: 3.8e-3, harvestPowerW: 1 })).toBe(1);
  });

  it('weighs an upgrade against the chance that the supply drops before the clipped energy repays it', () => {
    // full, 23.9 µJ a request clipped after the sparsest mode: mode 1's 9.1 µJ extra is back in 0.38
    // of a period, mode 0's 63.7 µJ in 2.7 periods
    const full = { ...base, storedEnergyJ: capacityJ, harvestPowerW: 40e-6 };
    // a supply that never dropped: the densest mode is free
    expect(selectMode(full)).toBe(0);
    // no history: as likely to drop as not, so no upgrade is worth its energy
    expect(selectMode({ ...full, drainRecord: EMPTY_DRAIN_RECORD })).toBe(2);
    // ran empty 5 times in 1,000 full requests: mode 1's 1.5 points are worth risking its 9.1 µJ for
    // 0.38 of a period; mode 0's 1.9 points are not worth 63.7 µJ (3.8 answers) for 2.7 periods
    expect(selectMode({ ...full, drainRecord: { fullPeriods: 1000, drains: 5, armed: true } })).toBe(1);
    // 200 in 1,000: not even mode 1
    expect(selectMode({ ...full, drainRecord: { fullPeriods: 1000, drains: 200, armed: true } })).toBe(2);
    // the same risky record, but an inflow that repays mode 1 within a hundredth of a period
    expect(selectMode({ ...full, harvestPowerW: 1e-3, drainRecord: { fullPeriods: 1000, drains: 200, armed: true } })).toBe(1);
  });

  it('never picks a mode slower than the deadline', () => {
    expect(selectMode({ ...base, storedEnergyJ: capacityJ, harvestPowerW: 1, deadlineS: 2e-3 })).toBe(1);
  });

  it('has hysteresis on upgrades only', () => {
    // 1.5 µJ below full, 5.5 µJ a request: two requests clip 9.5 µJ, enough for mode 1's 9.1 µJ
    // extra but not for it plus the 10 % margin an upgrade needs
    const justEnough = { ...base, storedEnergyJ: capacityJ - 1.5e-6, harvestPowerW: 21.6e-6 };
    expect(selectMode({ ...justEnough, previousMode: null })).toBe(1);
    expect(selectMode({ ...justEnough, previousMode: 1 })).toBe(1);
    expect(selectMode({ ...justEnough, previousMode: 2 })).toBe(2);
    // moving down needs no margin
    expect(selectMode({ ...justEnough, previousMode: 0 })).toBe(1);
  });

  it('refuses modes it cannot price with a typed error naming the mode', () => {
    const bad = [modes[0]!, { ...modes[1]!, energyJ: 0 }];
    expect(() => selectMode({ ...base, modes: bad, storedEnergyJ: capacityJ })).toThrow(/mode 1: energyJ/);
    try { selectMode({ ...base, modes: bad, storedEnergyJ: capacityJ }); } catch (e) { expect(isEveError(e, 'POLICY_BAD_MODE')).toBe(true); }
  });

  it('completes more correct inferences than every single-model baseline on every bundled trace', () => {
    for (const trace of bundledTraces()) {
      const run = (m: ModeCost[], policy: typeof selectMode) =>
        simulateIntermittent({ trace, storage, modes: m, periodS: 1, sleepPowerW: 4.6e-6, policy, options: DEFAULT_POLICY }).correct;
      const multi = run(modes, selectMode);
      const baselines = { densest: run(modes, singleModelPolicy(0)), sparsest: run(modes, singleModelPolicy(2)), dense: run(dense, singleModelPolicy(0)) };
      for (const [name, v] of Object.entries(baselines)) expect(multi, `${trace.name} vs ${name}`).toBeGreaterThan(v);
    }
  });
});
