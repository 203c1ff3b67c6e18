/**
 * The harvest estimate the mode policy plans with: the smaller of the power seen over the last
 * period and a running (exponentially weighted) mean. A single bright period — a fading peak, a
 * lamp switched on a moment ago — must not be mistaken for a lasting supply, and a drop shows at
 * once. Pure: the board keeps the state and passes it back in.
 */
export interface HarvestEstimate {
  /** Mean power over the last observed period, watts. */
  lastW: number;
  /** Exponentially weighted running mean, watts. */
  meanW: number;
}

/**
 * Folds one observation (mean power over a period of `periodS`) into the estimate (null before the
 * first, which sets both); `tauS` is the running mean's time constant.
 */
export function observeHarvest(prev: HarvestEstimate | null, powerW: number, periodS: number, tauS: number): HarvestEstimate {
  if (prev === null) return { lastW: powerW, meanW: powerW };
  const weight = 1 - Math.exp(-periodS / tauS);
  return { lastW: powerW, meanW: prev.meanW + weight * (powerW - prev.meanW) };
}

/** The power to plan with: the smaller of the last period and the running mean. */
export function plannedHarvestW(e: HarvestEstimate): number {
  return Math.min(e.lastW, e.meanW);
}
