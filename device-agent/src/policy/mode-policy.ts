/**
 * The energy-aware mode policy: a pure function from what the board knows — energy stored in its
 * capacitor, an estimate of harvested power, each mode's cost and accuracy, the time until the
 * next request — to the mode to run now, or null to skip this request. It picks the most accurate
 * mode it can afford without emptying the capacitor, where "afford" means the energy the next
 * period will harvest plus a share of the stored surplus; a hysteresis margin keeps it from
 * flapping between two modes on noise in the harvest estimate.
 *
 * When the board knows how much its capacitor holds (`capacityJ`), it spends on accuracy only
 * what it would otherwise lose: a denser mode is chosen only if the extra energy it costs over the
 * cheapest mode would have been clipped by a full capacitor before the next request. Denser modes
 * buy little accuracy for a lot of energy, so when energy is scarce every joule goes to the mode
 * that answers most requests (measured on the bundled traces: BENCHMARKS.md, policy table).
 */
export interface ModeCost {
  energyJ: number;
  latencyS: number;
  accuracy: number;
}

export interface PolicyInput {
  /** Usable energy now: above the brown-out level. */
  storedEnergyJ: number;
  harvestPowerW: number;
  /** Modes as stored (densest first); tried in order of accuracy, so the order does not matter. */
  modes: readonly ModeCost[];
  /** Time until the next request; a mode slower than this cannot serve the request. */
  deadlineS: number;
  previousMode: number | null;
  options: PolicyOptions;
  /** Usable energy of a full capacitor; with it the policy spends on accuracy only what a full capacitor would clip. */
  capacityJ?: number;
}

export interface PolicyOptions {
  /** Energy kept in reserve, never planned for (joules). */
  reserveJ: number;
  /** Stored surplus is spread over this many periods rather than spent at once. */
  horizonPeriods: number;
  /** Moving to a costlier mode than the previous one needs this much extra budget (fraction). */
  hysteresis: number;
}

export const DEFAULT_POLICY: PolicyOptions = { reserveJ: 20e-6, horizonPeriods: 8, hysteresis: 0.1 };

export function selectMode(i: PolicyInput): number | null {
  if (i.capacityJ !== undefined) return selectSpendingClipped(i, i.capacityJ);
  const { modes, options: o } = i;
  const surplus = Math.max(0, i.storedEnergyJ - o.reserveJ);
  const budget = i.harvestPowerW * i.deadlineS + surplus / o.horizonPeriods;
  // most accurate first; among equals, the cheaper one
  const order = modes.map((_, k) => k).sort((a, b) => modes[b]!.accuracy - modes[a]!.accuracy || modes[a]!.energyJ - modes[b]!.energyJ);
  for (const k of order) {
    const m = modes[k]!;
    if (m.latencyS > i.deadlineS) continue;
    // net draw: what the inference takes beyond what is harvested while it runs
    const net = m.energyJ - i.harvestPowerW * m.latencyS;
    if (net > surplus) continue; // would brown out
    const prevCost = i.previousMode === null ? Infinity : modes[i.previousMode]?.energyJ ?? Infinity;
    const need = m.energyJ > prevCost ? m.energyJ * (1 + o.hysteresis) : m.energyJ;
    if (need <= budget) return k;
  }
  // nothing fits the plan: serve the request with the cheapest mode if the capacitor holds it
  let cheapest = -1;
  modes.forEach((m, k) => { if (m.latencyS <= i.deadlineS && (cheapest < 0 || m.energyJ < modes[cheapest]!.energyJ)) cheapest = k; });
  if (cheapest >= 0 && modes[cheapest]!.energyJ - i.harvestPowerW * modes[cheapest]!.latencyS <= surplus) return cheapest;
  return null;
}

/** The capacity-aware rule (see the header): the cheapest mode, upgraded only with energy a full capacitor would clip. */
function selectSpendingClipped(i: PolicyInput, capacityJ: number): number | null {
  const { modes } = i;
  const surplus = Math.max(0, i.storedEnergyJ - i.options.reserveJ);
  const fits = modes.map((_, k) => k).filter((k) => modes[k]!.latencyS <= i.deadlineS && modes[k]!.energyJ - i.harvestPowerW * modes[k]!.latencyS <= surplus);
  if (fits.length === 0) return null;
  const cheapest = fits.reduce((a, k) => (modes[k]!.energyJ < modes[a]!.energyJ ? k : a), fits[0]!);
  const clipped = Math.max(0, i.storedEnergyJ + i.harvestPowerW * i.deadlineS - modes[cheapest]!.energyJ - capacityJ);
  const byAccuracy = [...fits].sort((a, b) => modes[b]!.accuracy - modes[a]!.accuracy || modes[a]!.energyJ - modes[b]!.energyJ);
  return byAccuracy.find((k) => modes[k]!.energyJ - modes[cheapest]!.energyJ <= clipped) ?? cheapest;
}

/** A single-model baseline: run its one model whenever the capacitor holds the energy for it. */
export function singleModelPolicy(mode: number): (i: PolicyInput) => number | null {
  return (i) => {
    const m = i.modes[mode]!;
    if (m.latencyS > i.deadlineS) return null;
    return m.energyJ - i.harvestPowerW * m.latencyS <= Math.max(0, i.storedEnergyJ - i.options.reserveJ) ? mode : null;
  };
}
