/**
 * The harvest estimate the mode policy plans with: the smallest of the power sampled at the end of
 * the last period (the latest reading, taken as the request arrives), the mean power over that
 * period and a running (exponentially weighted) mean. A single bright period — a fading peak, a
 * lamp switched on a moment ago — must not be mistaken for a lasting supply, and a drop shows at
 * once, even one that came late in the period and barely moved its mean. Pure: the board keeps the
 * state and passes it back in.
 */
export interface HarvestEstimate {
  /** Mean power over the last observed period, watts. */
  lastW: number;
  /** Exponentially weighted running mean, watts. */
  meanW: number;
  /** Power sampled at the end of the last period, watts. */
  nowW: number;
}

/**
 * Folds one observation (mean power over a period of `periodS`, and the power sampled at its end,
 * by default the same) into the estimate (null before the first, which sets all three); `tauS` is
 * the running mean's time constant.
 */
export function observeHarvest(prev: HarvestEstimate | null, powerW: number, periodS: number, tauS: number, nowW = powerW): HarvestEstimate {
  if (prev === null) return { lastW: powerW, meanW: powerW, nowW };
  const weight = 1 - Math.exp(-periodS / tauS);
  return { lastW: powerW, meanW: prev.meanW + weight * (powerW - prev.meanW), nowW };
}

/** The power to plan with: the smallest of the latest sample, the last period and the running mean. */
export function plannedHarvestW(e: HarvestEstimate): number {
  return Math.min(e.nowW, e.lastW, e.meanW);
}
