/**
 * The energy-aware mode policy: a pure function from what the board knows — energy stored in its
 * capacitor and how much it holds, an estimate of harvested power, each mode's cost and accuracy,
 * the time until the next request, its record of how often its full capacitor ran empty — to the
 * mode to run now, or null to skip this request.
 *
 * It picks the mode with the most expected correct answers. A mode that costs at least as much as
 * another and is not more accurate is never run. A joule is worth the best accuracy per joule any
 * mode offers (what it would buy if saved for a later request), except a joule a full capacitor
 * would clip before the upgrade is repaid (within the horizon), which is worth nothing — unless the
 * supply drops before then, and the joule was needed after all. So the base choice is the mode with
 * the best accuracy per joule (the sparsest, for nested modes), and a denser mode is chosen only
 * when its accuracy gain exceeds the expected value of the energy it borrows: the part no clipping
 * would repay, plus the clipped part times the chance of a drop before the capacitor is full again,
 * estimated from the board's own record (drain-record.ts). When energy is scarce every joule goes
 * to the mode that answers most requests; when it is plentiful and the supply has proven steady,
 * the surplus buys accuracy; a gain of a tenth of a point is not worth a whole answer's energy at
 * any real risk.
 * Moving to a costlier mode than the previous one needs `hysteresis` more clipped energy than it
 * costs, so noise in the estimate does not make it flap; moving down needs no margin.
 */
import { EveError } from '../errors/eve-error.js';
import { drainProbability, type DrainRecord } from './drain-record.js';

export interface ModeCost {
  energyJ: number;
  latencyS: number;
  accuracy: number;
}

export interface PolicyInput {
  /** Usable energy now: above the brown-out level. */
  storedEnergyJ: number;
  /** Usable energy of a full capacitor. */
  capacityJ: number;
  /** Harvested power to plan with (see harvest-estimate.ts). */
  harvestPowerW: number;
  /** What the board draws asleep between requests. */
  sleepPowerW: number;
  /** Modes as stored (densest first); ranked by cost and accuracy, so the order does not matter. */
  modes: readonly ModeCost[];
  /** Time until the next request; a mode slower than this cannot serve the request. */
  deadlineS: number;
  previousMode: number | null;
  /** How often this board's full capacitor ran empty after all (see drain-record.ts). */
  drainRecord: DrainRecord;
  options: PolicyOptions;
}

export interface PolicyOptions {
  /** Energy kept in reserve, never planned for (joules). */
  reserveJ: number;
  /** An upgrade must be repaid from would-be-clipped energy within this many requests. */
  horizonPeriods: number;
  /** Moving to a costlier mode than the previous one needs this much more clipped energy than it costs (fraction). */
  hysteresis: number;
  /** Time constant of the running mean in the harvest estimate, seconds. */
  harvestMeanS: number;
  /**
   * Standard deviations of caution added to the estimated chance that the supply drops before an
   * upgrade is repaid (drain-record.ts): 0 (the default) plans with the posterior mean, more waits
   * for more evidence.
   */
  drainMargin: number;
}

export const DEFAULT_POLICY: PolicyOptions = { reserveJ: 20e-6, horizonPeriods: 8, hysteresis: 0.1, harvestMeanS: 60, drainMargin: 0 };

export function selectMode(i: PolicyInput): number | null {
  const { modes, options: o } = i;
  checkModes(modes);
  const inTime = undominated(modes, modes.map((_, k) => k).filter((k) => modes[k]!.latencyS <= i.deadlineS));
  const fits = inTime.filter((k) => affordable(i, modes[k]!));
  if (fits.length === 0) return null;
  const ratio = (k: number) => modes[k]!.accuracy / modes[k]!.energyJ;
  const price = Math.max(...inTime.map(ratio));
  const base = best(modes, fits, ratio);
  const inflow = netInflowPerPeriod(i, modes[base]!);
  const prevEnergy = i.previousMode === null ? Infinity : modes[i.previousMode]?.energyJ ?? Infinity;
  const pDrain = drainProbability(i.drainRecord, o.drainMargin);
  const value = (k: number) => {
    const m = modes[k]!;
    const extra = m.energyJ - modes[base]!.energyJ;
    if (extra <= 0) return m.accuracy + price * -extra; // cheaper than the base: only by accuracy per joule would it lose
    const need = extra * (m.energyJ > prevEnergy ? 1 + o.hysteresis : 1);
    return m.accuracy - price * expectedCostJ(i, inflow, need, extra, pDrain);
  };
  return best(modes, fits, value);
}

/** The store can pay for `m` above the reserve, counting what is harvested while it runs. */
function affordable(i: PolicyInput, m: ModeCost): boolean {
  return m.energyJ - i.harvestPowerW * m.latencyS <= Math.max(0, i.storedEnergyJ - i.options.reserveJ);
}

/** The mode among `ks` with the highest `score`, the cheaper one on a tie. */
function best(modes: readonly ModeCost[], ks: readonly number[], score: (k: number) => number): number {
  return ks.reduce((a, k) => (score(k) > score(a) || (score(k) === score(a) && modes[k]!.energyJ < modes[a]!.energyJ) ? k : a));
}

/**
 * The modes among `ks` that no other one dominates: a mode costing at least as much energy as
 * another without being more accurate is never worth running.
 */
export function undominated(modes: readonly ModeCost[], ks: readonly number[]): number[] {
  const dominates = (j: number, k: number) => {
    const a = modes[j]!;
    const b = modes[k]!;
    return a.energyJ <= b.energyJ && a.accuracy >= b.accuracy && (a.energyJ < b.energyJ || a.accuracy > b.accuracy);
  };
  return ks.filter((k) => !ks.some((j) => dominates(j, k)));
}

/** Estimated net energy per period into the capacitor if every request ran `base`. */
function netInflowPerPeriod(i: PolicyInput, base: ModeCost): number {
  return i.harvestPowerW * i.deadlineS - base.energyJ - i.sleepPowerW * (i.deadlineS - base.latencyS);
}

/**
 * The expected energy an upgrade really costs, in joules that could have bought answers: the part
 * of `need` (its `extra` energy over the base, with the hysteresis margin) that a full capacitor
 * would not clip while the inflow repays it, plus the clipped part of `extra` weighted by the
 * chance that the supply drops while the capacitor is still below where it would have been:
 * 1 - (1 - pDrain)^exposure, where the exposure is the time, in periods, the inflow takes to fill
 * the capacitor again after the upgrade (a fraction of a period when the inflow is large). Only a
 * repayment within the horizon counts as clipped. Looking no further than the repayment keeps the
 * capacitor within about one period's inflow of full, so a sudden drop in harvest finds it nearly
 * as full as a policy that never upgraded would.
 */
function expectedCostJ(i: PolicyInput, inflow: number, need: number, extra: number, pDrain: number): number {
  if (inflow <= 0) return need;
  const periods = Math.ceil(need / inflow);
  if (periods > i.options.horizonPeriods) return need;
  const clipped = Math.min(need, Math.max(0, i.storedEnergyJ + periods * inflow - i.capacityJ));
  const exposure = Math.min(periods, (i.capacityJ - i.storedEnergyJ + extra) / inflow);
  const risk = 1 - (1 - pDrain) ** exposure;
  return need - clipped + risk * Math.min(extra, clipped);
}

function checkModes(modes: readonly ModeCost[]): void {
  modes.forEach((m, k) => {
    if (!(m.energyJ > 0) || !Number.isFinite(m.energyJ)) throw new EveError('POLICY_BAD_MODE', `mode ${k}: energyJ must be a positive number, got ${m.energyJ}`);
    if (!(m.latencyS >= 0) || !Number.isFinite(m.latencyS)) throw new EveError('POLICY_BAD_MODE', `mode ${k}: latencyS must be a number >= 0, got ${m.latencyS}`);
    if (!(m.accuracy >= 0 && m.accuracy <= 1)) throw new EveError('POLICY_BAD_MODE', `mode ${k}: accuracy must be in [0, 1], got ${m.accuracy}`);
  });
}

/** A single-model baseline: run its one model whenever the capacitor holds the energy for it. */
export function singleModelPolicy(mode: number): (i: PolicyInput) => number | null {
  return (i) => {
    const m = i.modes[mode]!;
    return m.latencyS <= i.deadlineS && affordable(i, m) ? mode : null;
  };
}
