import type { Rng } from '../rng/rng.js';
import type { Genome, GenomeSpace } from '../space/genome-space.js';
import { rngFrom, snapshotState, type Scored, type SearchStrategy, type StrategySnapshot } from './search-strategy.js';

/** Uniform sampling (the baseline every other strategy must beat); avoids repeats when it can. */
export class RandomStrategy implements SearchStrategy {
  readonly name = 'random';
  constructor(private readonly space: GenomeSpace, private rng: Rng) {}

  /** Proposals depend only on the history and the RNG, so the RNG is the whole state. */
  snapshot(): StrategySnapshot {
    return { strategy: this.name, version: 1, state: { rng: this.rng.state() } };
  }

  restore(snapshot: StrategySnapshot): void {
    this.rng = rngFrom(snapshotState(snapshot, this.name));
  }

  propose(history: readonly Scored[]): Genome {
    const seen = new Set(history.map((h) => this.space.key(h.genome)));
    let c = this.space.random(this.rng);
    for (let i = 0; i < 50 && seen.has(this.space.key(c)); i++) c = this.space.random(this.rng);
    return c;
  }
}
