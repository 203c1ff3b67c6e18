import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, selectMode, singleModelPolicy, type ModeCost } from './mode-policy.js';
import { simulateIntermittent, type StorageSpec } from './intermittent-sim.js';
import { bundledTraces } from '../harvest/bundled.js';

// per-mode costs and accuracies measured by `npm run demo` on the virtual STM32L476 (BENCHMARKS.md)
const modes: ModeCost[] = [
  { energyJ: 79.8e-6, latencyS: 3563e-6, accuracy: 0.974 },
  { energyJ: 25.2e-6, latencyS: 1117e-6, accuracy: 0.970 },
  { energyJ: 16.1e-6, latencyS: 709e-6, accuracy: 0.955 },
];
const dense: ModeCost[] = [{ energyJ: 122.8e-6, latencyS: 5553e-6, accuracy: 0.968 }];
const storage: StorageSpec = { capacitanceF: 100e-6, maxV: 3.3, brownOutV: 1.8 };

describe('mode policy', () => {
  const base = { harvestPowerW: 0, modes, deadlineS: 1, previousMode: null, options: DEFAULT_POLICY };

  it('prefers the most accurate mode it can afford and skips when it can afford none', () => {
    expect(selectMode({ ...base, storedEnergyJ: 1e-3, harvestPowerW: 100e-6 })).toBe(0);
    expect(selectMode({ ...base, storedEnergyJ: 100e-6, harvestPowerW: 20e-6 })).toBe(1);
    expect(selectMode({ ...base, storedEnergyJ: 40e-6, harvestPowerW: 0 })).toBe(2); // 20 µJ above the reserve
    expect(selectMode({ ...base, storedEnergyJ: 10e-6, harvestPowerW: 0 })).toBeNull();
  });

  it('ranks modes by accuracy, not by their order in the package', () => {
    // fine-tuning left the middle mode more accurate than the densest one
    const swapped: ModeCost[] = [modes[0]!, { ...modes[1]!, accuracy: 0.98 }, modes[2]!];
    expect(selectMode({ ...base, modes: swapped, storedEnergyJ: 1e-3, harvestPowerW: 100e-6 })).toBe(1);
  });

  it('never picks a mode slower than the deadline', () => {
    expect(selectMode({ ...base, storedEnergyJ: 1, harvestPowerW: 1, deadlineS: 2e-3 })).toBe(1);
  });

  it('has hysteresis: a budget just above a costlier mode does not pull it up from a cheaper one', () => {
    // 100 µJ above the reserve adds 100/8 = 12.5 µJ a period to the budget; harvest supplies the rest
    const budgetFor = (j: number) => ({ ...base, harvestPowerW: j - 12.5e-6, storedEnergyJ: DEFAULT_POLICY.reserveJ + 100e-6 });
    expect(selectMode({ ...budgetFor(26e-6), previousMode: null })).toBe(1);
    expect(selectMode({ ...budgetFor(26e-6), previousMode: 2 })).toBe(2);
    expect(selectMode({ ...budgetFor(30e-6), previousMode: 2 })).toBe(1);
  });

  it('with a known capacity, upgrades from the cheapest mode only with energy a full capacitor would clip', () => {
    const capacityJ = 300e-6;
    // half full, little harvest: the cheapest mode, though the surplus would pay for the densest
    expect(selectMode({ ...base, capacityJ, storedEnergyJ: 150e-6, harvestPowerW: 10e-6 })).toBe(2);
    // full, and the next second brings 20 µJ more than the capacitor holds after the cheapest mode:
    // 16.1 + 20 covers mode 1 (25.2 µJ) but not mode 0 (79.8 µJ)
    expect(selectMode({ ...base, capacityJ, storedEnergyJ: capacityJ, harvestPowerW: 36.1e-6 })).toBe(1);
    // a lot would be clipped: the most accurate mode
    expect(selectMode({ ...base, capacityJ, storedEnergyJ: capacityJ, harvestPowerW: 1e-3 })).toBe(0);
    // nothing fits what is stored: skip
    expect(selectMode({ ...base, capacityJ, storedEnergyJ: 30e-6, harvestPowerW: 0 })).toBeNull();
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
