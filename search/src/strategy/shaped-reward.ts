/**
 * The REINFORCE controller's reward, shaped so that the three kinds of outcome never overlap and
 * each is graded: a candidate the decoder refused or whose evaluated package broke a device limit
 * (−1, 0], one evaluated but below an accuracy floor (0, 0.9], a feasible one [1, 2]. The raw objective mixes correct
 * inferences per hour (thousands) with accuracy margins (hundredths of a point), so after one
 * feasible sample every infeasible one looked equally bad; here the controller still climbs
 * toward feasibility, and feasibility always beats getting closer to it.
 */
import type { Score } from '../objective/score.js';
import type { FrontTerms } from './front-reward.js';
import { REJECTED_MARGIN } from './run-search.js';

/** Accuracy shortfall (points) at which an infeasible reward has fallen to 1/e of its ceiling: the loosest floor's width. */
const SHORTFALL_SCALE = 10;
/** Ceiling of an infeasible but evaluated candidate's reward, below a feasible one's floor of 1. */
const INFEASIBLE_CEILING = 0.9;

/**
 * @param best the best feasible objective value seen so far (including this one, if feasible);
 *   feasible values are scaled by it, so the best-so-far earns 2 whatever the objective's units.
 * @param front a feasible candidate's front terms (front-reward.ts), each in [0, 1]: when given,
 *   the feasible reward is 1 + the mean of the scaled value, `box` and `share`, still in [1, 2].
 */
export function shapedReward(score: Score, best: number, front?: FrontTerms): number {
  if (score.feasible) {
    const scalar = best > 0 ? Math.min(1, Math.max(0, score.value) / best) : 0;
    return 1 + (front ? (scalar + front.box + front.share) / 3 : scalar);
  }
  const margin = Math.min(0, score.margin);
  // past a device budget, whether the decoder saw it (rejectedMargin: −100 · (1 + excess)) or
  // only the evaluated package showed it (score.excess): graded by how far past, in (−1, 0]
  const excess = score.excess ?? (margin <= REJECTED_MARGIN ? margin / REJECTED_MARGIN - 1 : undefined);
  if (excess !== undefined) return excess > 0 ? -excess / (1 + excess) : 0;
  return INFEASIBLE_CEILING * Math.exp(margin / SHORTFALL_SCALE);
}
