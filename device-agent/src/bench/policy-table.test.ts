import { describe, expect, it } from 'vitest';
import { POLICY_SCENARIOS, policyTable, tieByConstruction, scenarioStorage } from './policy-table.js';
import { bundledTraces } from '../harvest/bundled.js';
import type { ModeCost } from '../policy/mode-policy.js';

/**
 * LeNet-scale modes: the trained bench models' modes priced by the stm32l476-m4f cost model, with
 * their measured accuracy (`npm run bench -w device-agent`, 2026-11-25, BENCHMARKS.md).
 */
const LENET: Record<string, { modes: ModeCost[]; dense: ModeCost }> = {
  'lenet-300-100': {
    modes: [
      { energyJ: 389.1e-6, latencyS: 16.21e-3, accuracy: 0.967 },
      { energyJ: 156.9e-6, latencyS: 6.537e-3, accuracy: 0.953 },
      { energyJ: 78.8e-6, latencyS: 3.284e-3, accuracy: 0.939 },
    ],
    dense: { energyJ: 702.1e-6, latencyS: 29.25e-3, accuracy: 0.965 },
  },
  'lenet-5': {
    modes: [
      { energyJ: 748.5e-6, latencyS: 31.19e-3, accuracy: 0.971 },
      { energyJ: 452.7e-6, latencyS: 18.86e-3, accuracy: 0.942 },
      { energyJ: 374.4e-6, latencyS: 15.60e-3, accuracy: 0.896 },
    ],
    dense: { energyJ: 768.5e-6, latencyS: 32.02e-3, accuracy: 0.97 },
  },
};
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
    for (const [network, { modes, dense }] of Object.entries(LENET)) {
      for (const scenario of POLICY_SCENARIOS) {
        for (const r of policyTable(modes, dense, SLEEP_W, scenario)) {
          const where = `${network}, ${scenario.name}, ${r.trace}`;
          expect(r.multiMode, `${where} vs densest`).toBeGreaterThanOrEqual(r.densestOnly);
          expect(r.multiMode, `${where} vs sparsest`).toBeGreaterThanOrEqual(r.sparsestOnly);
          expect(r.multiMode, `${where} vs dense`).toBeGreaterThanOrEqual(r.denseUnpruned);
        }
      }
    }
  });

  it('spends energy the sparsest-only baseline clips, and wastes less of it', () => {
    const { modes, dense } = LENET['lenet-5']!;
    const slow = POLICY_SCENARIOS.find((s) => s.periodS === 5)!;
    const indoor = policyTable(modes, dense, SLEEP_W, slow).find((r) => r.trace === 'indoor-light')!;
    expect(indoor.clippedJ.sparsestOnly).toBeGreaterThan(0);
    expect(indoor.clippedJ.multiMode).toBeLessThan(indoor.clippedJ.sparsestOnly);
    expect(indoor.multiModeWins).toBe(true);
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
    expect(tieByConstruction([modes[2]!, { energyJ: 100e-6, latencyS: 1e-3, accuracy: 0.5 }], storage, 1e-3, false)).toBe('only one mode fits the capacitor');
    expect(tieByConstruction(LENET['lenet-300-100']!.modes.slice(1), storage, 0, false)).toBe('sparsest only clips no energy');
    expect(tieByConstruction(LENET['lenet-300-100']!.modes.slice(1), storage, 1e-3, true)).toBe('densest only answers every request');
  });
});
