/**
 * Scoring an evaluation. Feasible when every mode keeps within its accuracy floor of the dense
 * model and modes get cheaper as they get sparser; the value is weighted correct inferences per
 * microjoule of measured energy, Σ w_k · accuracy_k / energy_k — what a harvester's trickle buys.
 */
import type { Evaluation } from '../evaluator/evaluator.js';

export interface ScoreOptions {
  denseAccuracy: number;
  /** Largest allowed accuracy drop per mode, in points (e.g. [1, 2, 4]). */
  maxDrop: number[];
  lossWeights: number[];
}

export interface Score {
  feasible: boolean;
  violated?: string;
  value: number;
  /** Smallest slack to a constraint, in accuracy points (negative when violated). */
  margin: number;
  /**
   * When an evaluated candidate broke a device limit (memory, deadline) rather than an accuracy
   * floor: how far past it, as a fraction of the budget (as the decoder's refusals carry).
   */
  excess?: number;
}

export function scoreEvaluation(ev: Evaluation, o: ScoreOptions): Score {
  let margin = Infinity;
  let violated: string | undefined;
  for (let k = 0; k < ev.modes.length; k++) {
    const m = ev.modes[k]!;
    const floor = o.denseAccuracy - (o.maxDrop[k] ?? o.maxDrop[o.maxDrop.length - 1]!) / 100;
    const slack = (m.accuracy - floor) * 100;
    if (slack < margin) margin = slack;
    if (slack < 0 && !violated) violated = `mode ${k} accuracy ${(m.accuracy * 100).toFixed(1)} % is below its floor ${(floor * 100).toFixed(1)} %`;
    if (k > 0 && m.energyUj >= ev.modes[k - 1]!.energyUj && !violated) violated = `mode ${k} costs no less energy than mode ${k - 1}`;
  }
  if (violated) return { feasible: false, violated, value: 0, margin: Math.min(margin, 0) };
  const value = ev.modes.reduce((s, m, k) => s + (o.lossWeights[k] ?? 0) * (m.accuracy / m.energyUj), 0);
  return { feasible: true, value, margin };
}
