import type { Candidate } from '../space/search-space.js';
import type { Evaluation } from '../evaluator/evaluator.js';
import type { Score } from '../objective/score.js';

export interface Scored {
  evaluation: Evaluation;
  score: Score;
}

/** A search strategy proposes the next candidate from what has been measured so far. */
export interface SearchStrategy {
  readonly name: string;
  propose(history: readonly Scored[]): Candidate;
  /** Told of every scored evaluation, in order (optional: history-based strategies need not keep state). */
  observe?(scored: Scored): void;
  /** JSON state after the last observe (for durable searches); with `restore`, resuming needs no replay. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}
