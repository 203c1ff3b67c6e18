import { EveError } from '@eve-bench/device-agent';
import { restoreRng, type Rng } from '../rng/rng.js';
import type { Genome } from '../space/genome-space.js';
import type { Evaluation } from '../evaluator/evaluator.js';
import type { Score } from '../objective/score.js';

export interface Scored {
  /** The canonical genome proposed; `evaluation.candidate` is what it decoded to. */
  genome: Genome;
  evaluation: Evaluation;
  score: Score;
}

/**
 * A search strategy proposes the next genome from what has been measured so far. Every strategy
 * works on the same encoding (GenomeSpace), so they compare on the same space, budget and seeds.
 */
export interface SearchStrategy {
  readonly name: string;
  propose(history: readonly Scored[]): Genome;
  /** Told of every scored evaluation, in order (optional: history-based strategies need not keep state). */
  observe?(scored: Scored): void;
  /**
   * The durability contract: the strategy's full state (RNG state, population, controller
   * weights...) as plain JSON. A strategy built with the same options and given this through
   * `restore` proposes exactly what the snapshotted one would have.
   */
  snapshot(): StrategySnapshot;
  /** Replaces this strategy's state with a snapshot's; a wrong or corrupt one is an EveError SNAPSHOT_INVALID. */
  restore(snapshot: StrategySnapshot): void;
}

export interface StrategySnapshot {
  strategy: string;
  version: 1;
  state: unknown;
}

/** Checks a snapshot's envelope and returns its state (the strategy validates the rest). */
export function snapshotState(snapshot: StrategySnapshot, strategy: string): Record<string, unknown> {
  if (typeof snapshot !== 'object' || snapshot === null || snapshot.strategy !== strategy || snapshot.version !== 1 || typeof snapshot.state !== 'object' || snapshot.state === null) {
    throw new EveError('SNAPSHOT_INVALID', `expected a version-1 snapshot of strategy "${strategy}", got ${JSON.stringify(snapshot)?.slice(0, 80)}`);
  }
  return snapshot.state as Record<string, unknown>;
}

/** The RNG state field of a snapshot's state. */
export function rngFrom(state: Record<string, unknown>, field = 'rng'): Rng {
  const v = state[field];
  if (!Array.isArray(v)) throw new EveError('SNAPSHOT_INVALID', `snapshot field "${field}" is not an RNG state`);
  return restoreRng(v as number[]);
}
