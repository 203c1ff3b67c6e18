import { describe, expect, it } from 'vitest';
import { POLICY_SCENARIOS, policyTable } from './policy-table.js';
import { bundledTraces } from '../harvest/bundled.js';

describe('mode-policy table', () => {
  const modes = [
    { energyJ: 300e-6, latencyS: 15e-3, accuracy: 0.98 },
    { energyJ: 120e-6, latencyS: 6e-3, accuracy: 0.96 },
    { energyJ: 60e-6, latencyS: 3e-3, accuracy: 0.93 },
  ];
  const dense = { energyJ: 700e-6, latencyS: 30e-3, accuracy: 0.985 };

  it('has a row per bundled trace and flags a win only when multi-mode beats every baseline', () => {
    for (const scenario of POLICY_SCENARIOS) {
      const rows = policyTable(modes, dense, 5e-6, scenario);
      expect(rows.map((r) => r.trace)).toEqual(bundledTraces().map((t) => t.name));
      for (const r of rows) expect(r.multiModeWins).toBe(r.multiMode > Math.max(r.densestOnly, r.sparsestOnly, r.denseUnpruned));
    }
  });

  it('a model costing more than the capacitor holds never completes', () => {
    const small = POLICY_SCENARIOS.find((s) => s.capacitanceF === 100e-6)!; // ~360 µJ usable
    for (const r of policyTable(modes, dense, 5e-6, small)) {
      expect(r.denseUnpruned).toBe(0);
      expect(r.sparsestOnly).toBeGreaterThan(0);
    }
  });
});
