/**
 * The Evaluator port: a candidate in, its per-mode accuracy, latency and energy out. The same
 * search runs on a predictor, the virtual lab, or real boards; `costSource` records which.
 */
import type { Candidate } from '../space/search-space.js';

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
}

export interface Evaluator {
  evaluate(candidate: Candidate, signal?: AbortSignal): Promise<Evaluation>;
}
