/**
 * Mode-policy table: correct inferences per hour on each bundled trace (one request a second,
 * 100 µF rail capacitor) for the multi-mode policy and the single-model baselines. Mode costs are
 * passed in as data — the bench prices them with the current cost model.
 */
import { bundledTraces } from '../harvest/bundled.js';
import { DEFAULT_POLICY, selectMode, singleModelPolicy, type ModeCost } from '../policy/mode-policy.js';
import { simulateIntermittent } from '../policy/intermittent-sim.js';

export interface PolicyRow {
  trace: string;
  provenance: string;
  multiMode: number;
  densestOnly: number;
  sparsestOnly: number;
  denseUnpruned: number;
  /** multiMode above every baseline. */
  multiModeWins: boolean;
}

export function policyTable(modes: ModeCost[], dense: ModeCost, sleepPowerW: number): PolicyRow[] {
  const storage = { capacitanceF: 100e-6, maxV: 3.3, brownOutV: 1.8 };
  return bundledTraces().map((trace) => {
    const run = (m: ModeCost[], policy: typeof selectMode) =>
      simulateIntermittent({ trace, storage, modes: m, periodS: 1, sleepPowerW, policy, options: DEFAULT_POLICY }).correctPerHour;
    const row = {
      trace: trace.name,
      provenance: trace.provenance,
      multiMode: run(modes, selectMode),
      densestOnly: run(modes, singleModelPolicy(0)),
      sparsestOnly: run(modes, singleModelPolicy(modes.length - 1)),
      denseUnpruned: run([dense], singleModelPolicy(0)),
    };
    return { ...row, multiModeWins: row.multiMode > Math.max(row.densestOnly, row.sparsestOnly, row.denseUnpruned) };
  });
}
