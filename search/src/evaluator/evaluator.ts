/**
 * The Evaluator port: a candidate in, its per-mode accuracy, latency and energy out. The same
 * search runs on a predictor, the virtual lab, or real boards; `costSource` records which.
 */
import type { Candidate } from '../space/candidate.js';
import type { ConstraintName, EvaluatorSupport } from '../space/decode.js';

export type CostSource = 'predicted' | 'virtual' | 'hardware';

export interface ModeEvaluation {
  accuracy: number;
  latencyUs: number;
  energyUj: number;
  sparsity: number;
}

export interface Evaluation {
  candidate: Candidate;
  modes: ModeEvaluation[];
  costSource: CostSource;
  packageBytes?: number;
  /** Set when the decoder refused the candidate before any evaluation (then `modes` is empty). */
  rejected?: { constraint: ConstraintName; violated: string };
}

export interface Evaluator {
  /** What this evaluator can run; the search's decoder rejects anything else up front. */
  readonly supports?: EvaluatorSupport;
  evaluate(candidate: Candidate, signal?: AbortSignal): Promise<Evaluation>;
}
