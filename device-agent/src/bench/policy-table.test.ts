import { describe, expect, it } from 'vitest';
import { POLICY_SCENARIOS, policyTable, tieByConstruction, scenarioStorage, upgradeGainPerJ } from './policy-table.js';
import { simulateIntermittent } from '../policy/intermittent-sim.js';
import { DEFAULT_POLICY, selectMode } from '../policy/mode-policy.js';
import { bundledTraces } from '../harvest/bundled.js';
import type { ModeCost } from '../policy/mode-policy.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * LeNet-scale modes: trained bench runs' modes priced by the stm32l476-m4f cost model, with their
 * measured accuracy (`npm run bench -w device-agent`; BENCHMARKS.md): the run of 2026-11-25 and
 * the current models' run of 2026-12-07 (whose LeNet-300-100 middle mode beats its densest).
 */
interface PricedRun { date: string; networks: Record<string, { modes: ModeCost[]; denseUnpruned: ModeCost }> }
const RUNS = (JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/priced-modes.json', import.meta.url)), 'utf8')) as { runs: PricedRun[] }).runs;
const priced = (run: PricedRun, network: string) => ({ modes: run.networks[network]!.modes, dense: run.networks[network]!.denseUnpruned });
const LENET = { 'lenet-300-100': priced(RUNS[0]!, 'lenet-300-100'), 'lenet-5': priced(RUNS[0]!, 'lenet-5') };
const TRAINED = RUNS[1]!;
const SLEEP_W = 4.2e-6; // the M4F profile's stop-2 draw

describe('mode-policy table', () => {
  it('has a row per bundled trace and flags a win only when multi-mode beats every baseline', () => {
    const { modes, dense } = LENET['lenet-300-100']!;
    for (const scenario of POLICY_SCENARIOS) {
      const rows = policyTable(modes, dense, SLEEP_W, scenario);
      expect(rows.map((r) => r.trace)).toEqual(bundledTraces().map((t) => t.name));
      for (const r of rows) expect(r.multiModeWins).toBe(r.multiMode > Math.max(r.densestOnly, r.sparsestOnly, r.denseUnpruned));
    }
  });

  it('multi-mode never loses to any single model on LeNet-scale modes, in every scenario and on every trace', () => {
    for (const run of RUNS) {
      for (const network of Object.keys(run.networks)) {
        const { modes, dense } = priced(run, network);
        for (const scenario of POLICY_SCENARIOS) {
          for (const r of policyTable(modes, dense, SLEEP_W, scenario)) {
            const where = `${run.date} ${network}, ${scenario.name}, ${r.trace}`;
            expect(r.multiMode, `${where} vs densest`).toBeGreaterThanOrEqual(r.densestOnly);
            expect(r.multiMode, `${where} vs sparsest`).toBeGreaterThanOrEqual(r.sparsestOnly);
            expect(r.multiMode, `${where} vs dense`).toBeGreaterThanOrEqual(r.denseUnpruned);
          }
        }
      }
    }
  });

  it('never runs a mode that another one beats on both energy and accuracy', () => {
    // the trained LeNet-300-100's densest mode is costlier and less accurate than its middle one
    const { modes, dense } = priced(TRAINED, 'lenet-300-100');
    expect(modes[0]!.accuracy).toBeLessThan(modes[1]!.accuracy);
    for (const scenario of POLICY_SCENARIOS) {
      const storage = scenarioStorage(scenario);
      for (const trace of bundledTraces()) {
        const r = simulateIntermittent({ trace, storage, modes, periodS: scenario.periodS, sleepPowerW: SLEEP_W, policy: selectMode, options: DEFAULT_POLICY });
        expect(r.perMode[0], `${scenario.name}, ${trace.name}`).toBe(0);
      }
    }
    expect(policyTable(modes, dense, SLEEP_W, POLICY_SCENARIOS[1]!).length).toBe(bundledTraces().length);
  });

  it('spends energy the sparsest-only baseline clips, and wastes less of it', () => {
    const { modes, dense } = LENET['lenet-5']!;
    const slow = POLICY_SCENARIOS.find((s) => s.periodS === 5)!;
    const indoor = policyTable(modes, dense, SLEEP_W, slow).find((r) => r.trace === 'indoor-light')!;
    expect(indoor.clippedJ.sparsestOnly).toBeGreaterThan(0);
    expect(indoor.clippedJ.multiMode).toBeLessThan(indoor.clippedJ.sparsestOnly);
    expect(indoor.multiModeWins).toBe(true);
  });

  it('bounds what any policy could gain by the energy sparsest only clips', () => {
    const { modes, dense } = priced(TRAINED, 'lenet-300-100');
    // mode 1 is the best upgrade; mode 0 is dominated by it
    expect(upgradeGainPerJ(modes)).toBeCloseTo((modes[1]!.accuracy - modes[2]!.accuracy) / (modes[1]!.energyJ - modes[2]!.energyJ), 9);
    for (const scenario of POLICY_SCENARIOS) {
      for (const r of policyTable(modes, dense, SLEEP_W, scenario)) {
        expect(r.multiMode - r.sparsestOnly, `${scenario.name}, ${r.trace}`).toBeLessThanOrEqual(r.atStakePerHour + 1e-9);
        if (r.clippedJ.sparsestOnly === 0) expect(r.atStakePerHour).toBe(0);
      }
    }
    expect(upgradeGainPerJ([modes[2]!])).toBe(0);
  });

  it('names the ties no policy could break', () => {
    const { modes, dense } = LENET['lenet-5']!;
    const small = POLICY_SCENARIOS.find((s) => s.capacitanceF === 100e-6)!; // ~380 µJ usable
    for (const r of policyTable(modes, dense, SLEEP_W, small)) {
      expect(r.denseUnpruned).toBe(0);
      expect(r.tieByConstruction).toBe('no mode fits the capacitor');
    }
    const storage = scenarioStorage(small);
    expect(tieByConstruction(LENET['lenet-300-100']!.modes.slice(1), storage, 1e-3, false)).toBeNull();
    expect(tieByConstruction([modes[2]!, { energyJ: 100e-6, latencyS: 1e-3, accuracy: 0.5 }], storage, 1e-3, false)).toBe('only one mode worth running fits the capacitor');
    // the trained LeNet-5: two modes fit, but the middle one is as accurate as the sparsest and costlier
    const trained = priced(TRAINED, 'lenet-5').modes;
    expect(trained.filter((m) => m.energyJ < 362e-6).length).toBe(2);
    expect(tieByConstruction(trained, storage, 1e-3, false)).toBe('only one mode worth running fits the capacitor');
    expect(tieByConstruction(LENET['lenet-300-100']!.modes.slice(1), storage, 0, false)).toBe('sparsest only clips no energy');
    expect(tieByConstruction(LENET['lenet-300-100']!.modes.slice(1), storage, 1e-3, true)).toBe('densest only answers every request');
  });
});
