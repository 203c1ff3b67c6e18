/**
 * Mode-policy table: correct inferences per hour on each bundled trace for the multi-mode policy
 * and the single-model baselines, in a scenario (request period, rail capacitor), with the energy
 * each policy lost to a full capacitor. Mode costs are passed in as data — the bench prices them
 * with the current cost model. Where no policy could beat the best baseline whatever it did, the
 * row says why (`tieByConstruction`), so a tie is never mistaken for a policy that did its best.
 */
import { bundledTraces } from '../harvest/bundled.js';
import { DEFAULT_POLICY, selectMode, singleModelPolicy, undominated, type ModeCost, type PolicyOptions } from '../policy/mode-policy.js';
import { simulateIntermittent, type StorageSpec } from '../policy/intermittent-sim.js';

type Policies<T> = { multiMode: T; densestOnly: T; sparsestOnly: T; denseUnpruned: T };

export interface PolicyRow extends Policies<number> {
  trace: string;
  provenance: string;
  /** Harvested energy each policy lost because the capacitor was full, joules. */
  clippedJ: Policies<number>;
  harvestedJ: number;
  /**
   * The most any policy could gain over sparsest only, correct answers per hour, even knowing the
   * future: all the energy sparsest only clips spent on the best upgrade (`upgradeGainPerJ`).
   */
  atStakePerHour: number;
  /** multiMode above every baseline. */
  multiModeWins: boolean;
  /** Why no policy can beat the best baseline in this row, or null when one could. */
  tieByConstruction: string | null;
}

export interface PolicyScenario {
  name: string;
  /** One inference request every periodS (also each request's deadline). */
  periodS: number;
  capacitanceF: number;
}

/**
 * The demo's scenario (sized for its small MLP, tens of µJ per inference: 100 µF holds ~380 µJ),
 * kept so the figures stay comparable; and the capacitor a user would fit for LeNet-scale
 * inferences (hundreds of µJ on the M4F): 1 mF holds ~3.8 mJ, five densest LeNet-5 inferences, at
 * a fast and a slow sampling rate.
 */
export const POLICY_SCENARIOS: PolicyScenario[] = [
  { name: '1 request/s, 100 µF', periodS: 1, capacitanceF: 100e-6 },
  { name: '1 request/s, 1 mF', periodS: 1, capacitanceF: 1e-3 },
  { name: '1 request/5 s, 1 mF', periodS: 5, capacitanceF: 1e-3 },
];

/**
 * A wider grid, to see how far "never loses" holds beyond the scenarios above: 100 µF, 470 µF and
 * 1 mF at one request every 1, 2, 5 and 10 s (`npm run bench:policy -w device-agent -- --extended`).
 */
export const EXTENDED_SCENARIOS: PolicyScenario[] = [100e-6, 470e-6, 1e-3].flatMap((capacitanceF) =>
  [1, 2, 5, 10].map((periodS) => ({ name: `1 request/${periodS === 1 ? '' : `${periodS} `}s, ${capacitanceF < 1e-3 ? `${Math.round(capacitanceF * 1e6)} µF` : '1 mF'}`, periodS, capacitanceF })));

export function scenarioStorage(s: PolicyScenario): StorageSpec {
  return { capacitanceF: s.capacitanceF, maxV: 3.3, brownOutV: 1.8 };
}

export function policyTable(modes: ModeCost[], dense: ModeCost, sleepPowerW: number, scenario: PolicyScenario, options: PolicyOptions = DEFAULT_POLICY): PolicyRow[] {
  const storage = scenarioStorage(scenario);
  const periodS = scenario.periodS;
  const sparsest = modes.length - 1;
  return bundledTraces().map((trace) => {
    const run = (m: ModeCost[], policy: typeof selectMode) =>
      simulateIntermittent({ trace, storage, modes: m, periodS, sleepPowerW, policy, options });
    const r = { multiMode: run(modes, selectMode), densestOnly: run(modes, singleModelPolicy(0)), sparsestOnly: run(modes, singleModelPolicy(sparsest)), denseUnpruned: run([dense], singleModelPolicy(0)) };
    const perHour = mapPolicies(r, (x) => x.correctPerHour);
    const baselines = Math.max(perHour.densestOnly, perHour.sparsestOnly, perHour.denseUnpruned);
    return {
      trace: trace.name,
      provenance: trace.provenance,
      ...perHour,
      clippedJ: mapPolicies(r, (x) => x.clippedJ),
      harvestedJ: r.multiMode.harvestedJ,
      atStakePerHour: upgradeGainPerJ(modes) * r.sparsestOnly.clippedJ / r.sparsestOnly.hours,
      multiModeWins: perHour.multiMode > baselines,
      tieByConstruction: tieByConstruction(modes, storage, r.sparsestOnly.clippedJ, r.densestOnly.completed === r.densestOnly.requests),
    };
  });
}

/**
 * The reasons a strict win is impossible: fewer than two modes worth running (none costlier and
 * less accurate than another) fit the capacitor, so multi-mode has nothing to choose from; the
 * sparsest mode, the best accuracy per joule, wastes no energy (every harvested joule already buys
 * the most answers, so there is nothing to spend on accuracy); or the densest mode, the most
 * accurate, answers every request.
 */
export function tieByConstruction(modes: readonly ModeCost[], storage: StorageSpec, sparsestClippedJ: number, densestAnswersAll: boolean): string | null {
  const usable = 0.5 * storage.capacitanceF * (storage.maxV ** 2 - storage.brownOutV ** 2) - DEFAULT_POLICY.reserveJ;
  const fit = undominated(modes, modes.map((_, k) => k)).filter((k) => modes[k]!.energyJ <= usable).length;
  if (fit === 0) return 'no mode fits the capacitor';
  if (fit === 1) return 'only one mode worth running fits the capacitor';
  const ratio = (m: ModeCost) => m.accuracy / m.energyJ;
  const s = modes[modes.length - 1]!;
  if (sparsestClippedJ === 0 && modes.every((m) => ratio(m) <= ratio(s))) return 'sparsest only clips no energy';
  const d = modes[0]!;
  if (densestAnswersAll && modes.every((m) => m.accuracy <= d.accuracy)) return 'densest only answers every request';
  return null;
}

/** The most accuracy a joule spent on top of the sparsest mode buys, over the modes worth running. */
export function upgradeGainPerJ(modes: readonly ModeCost[]): number {
  const s = modes[modes.length - 1]!;
  const gains = undominated(modes, modes.map((_, k) => k))
    .map((k) => modes[k]!)
    .filter((m) => m.energyJ > s.energyJ && m.accuracy > s.accuracy)
    .map((m) => (m.accuracy - s.accuracy) / (m.energyJ - s.energyJ));
  return Math.max(0, ...gains);
}

function mapPolicies<A, B>(p: Policies<A>, f: (a: A) => B): Policies<B> {
  return { multiMode: f(p.multiMode), densestOnly: f(p.densestOnly), sparsestOnly: f(p.sparsestOnly), denseUnpruned: f(p.denseUnpruned) };
}

/** The table as text lines: correct inferences per hour, clipped energy, and the verdict. */
export function formatPolicyTable(rows: readonly PolicyRow[]): string[] {
  const n = (v: number, w: number) => v.toFixed(1).padStart(w);
  const mj = (v: number) => (v * 1e3).toFixed(1);
  const lines = ['trace           multi-mode  densest only  sparsest only  dense unpruned  clipped mJ (multi/densest/sparsest/dense)  at stake  verdict'];
  for (const r of rows) {
    const margin = r.multiMode - Math.max(r.densestOnly, r.sparsestOnly, r.denseUnpruned);
    const verdict = r.multiModeWins ? `win (+${margin.toFixed(2)})`
      : margin < 0 ? `LOSS (${margin.toFixed(2)})`
      : r.tieByConstruction ? `tie by construction: ${r.tieByConstruction}` : 'tie, not a win';
    const clipped = `${mj(r.clippedJ.multiMode)} / ${mj(r.clippedJ.densestOnly)} / ${mj(r.clippedJ.sparsestOnly)} / ${mj(r.clippedJ.denseUnpruned)}`;
    lines.push(`${r.trace.padEnd(14)} ${n(r.multiMode, 11)} ${n(r.densestOnly, 13)} ${n(r.sparsestOnly, 14)} ${n(r.denseUnpruned, 15)}  ${clipped.padEnd(42)} ${n(r.atStakePerHour, 8)}  ${verdict}`);
  }
  return lines;
}
