/**
 * Mode-policy table: correct inferences per hour on each bundled trace for the multi-mode policy
 * and the single-model baselines, in a scenario (request period, rail capacitor). Mode costs are
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

export interface PolicyScenario {
  name: string;
  /** One inference request every periodS (also each request's deadline). */
  periodS: number;
  capacitanceF: number;
}

/**
 * The earlier table's scenario (sized for the demo's small MLP: tens of µJ per inference), and one
 * sized for LeNet-scale inferences (hundreds of µJ on the M4F): a capacitor that holds the densest
 * mode, and a sensor sampling every 5 s.
 */
export const POLICY_SCENARIOS: PolicyScenario[] = [
  { name: '1 request/s, 100 µF', periodS: 1, capacitanceF: 100e-6 },
  { name: '1 request/5 s, 1 mF', periodS: 5, capacitanceF: 1e-3 },
];

export function policyTable(modes: ModeCost[], dense: ModeCost, sleepPowerW: number, scenario: PolicyScenario): PolicyRow[] {
  const storage = { capacitanceF: scenario.capacitanceF, maxV: 3.3, brownOutV: 1.8 };
  const periodS = scenario.periodS;
  return bundledTraces().map((trace) => {
    const run = (m: ModeCost[], policy: typeof selectMode) =>
      simulateIntermittent({ trace, storage, modes: m, periodS, sleepPowerW, policy, options: DEFAULT_POLICY }).correctPerHour;
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
