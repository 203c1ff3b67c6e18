import type { Rng } from '../rng/rng.js';
import type { SearchSpace } from '../space/search-space.js';
import type { Candidate } from '../space/search-space.js';
import { rngFrom, snapshotState, type Scored, type SearchStrategy, type StrategySnapshot } from './search-strategy.js';

/** Uniform sampling (the baseline every other strategy must beat); avoids repeats when it can. */
export class RandomStrategy implements SearchStrategy {
  readonly name = 'random';
  constructor(private readonly space: SearchSpace, private rng: Rng) {}

  /** Proposals depend only on the history and the RNG, so the RNG is the whole state. */
  snapshot(): StrategySnapshot {
    return { strategy: this.name, version: 1, state: { rng: this.rng.state() } };
  }

  restore(snapshot: StrategySnapshot): void {
    this.rng = rngFrom(snapshotState(snapshot, this.name));
  }

  propose(history: readonly Scored[]): Candidate {
    const seen = new Set(history.map((h) => this.space.key(h.evaluation.candidate)));
    let c = this.space.random(this.rng);
    for (let i = 0; i < 50 && seen.has(this.space.key(c)); i++) c = this.space.random(this.rng);
    return c;
  }
}
