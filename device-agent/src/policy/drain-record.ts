/**
 * How often energy a full capacitor "would clip" was needed after all. An upgrade is paid with
 * energy the policy expects a full capacitor to clip; it is lost when the supply collapses before
 * the capacitor overflows again, so that the capacitor runs empty a little earlier than it would
 * have. The board counts the requests it served with a full capacitor and the drains: the times
 * the capacitor, having been full, ran empty (a request skipped or browned out) before it was full
 * again. The chance that a request at a full capacitor is the last before a drain is estimated by
 * Laplace's rule of succession, (drains + 1) / (full requests + 2), plus a margin for how little
 * the record may show (`drainProbability`): with no history it is ½ or more, so a board upgrades
 * only once it has seen its supply stay up, and an upgrade's small gain in accuracy is weighed
 * against the rate at which this very supply has dropped. Pure: the board keeps the record.
 */
export interface DrainRecord {
  /** Requests served in periods that ended with the capacitor full (it clipped harvest). */
  fullPeriods: number;
  /** Times the capacitor ran empty after having been full. */
  drains: number;
  /** Full since the last drain: the next empty capacitor counts as a drain. */
  armed: boolean;
}

/** The record before the first request. */
export const EMPTY_DRAIN_RECORD: DrainRecord = { fullPeriods: 0, drains: 0, armed: false };

/** Folds one request period in: did the capacitor end it full, and did the request find it empty? */
export function observeStorage(prev: DrainRecord, period: { full: boolean; ranEmpty: boolean }): DrainRecord {
  const drained = period.ranEmpty && prev.armed;
  return {
    fullPeriods: prev.fullPeriods + (period.full ? 1 : 0),
    drains: prev.drains + (drained ? 1 : 0),
    armed: period.full || (prev.armed && !drained),
  };
}

/**
 * The chance that a request served at a full capacitor is the last one before a drain, planned
 * with `margin` standard deviations of caution: the posterior of a uniform prior after the record
 * is Beta(drains + 1, fullPeriods - drains + 1), whose mean (drains + 1) / (fullPeriods + 2) is
 * Laplace's rule of succession. The policy plans with the mean by default; a margin makes a board
 * wait for evidence in proportion to how little it has (a risk-averse choice, searchable as
 * `drainMargin`).
 */
export function drainProbability(r: DrainRecord, margin: number): number {
  const n = r.fullPeriods + 2;
  const mean = (r.drains + 1) / n;
  return Math.min(1, mean + margin * Math.sqrt((mean * (1 - mean)) / (n + 1)));
}
