import type { Rng } from '../rng/rng.js';
import type { SearchSpace } from '../space/search-space.js';
import type { Candidate } from '../space/search-space.js';
import type { Scored, SearchStrategy } from './search-strategy.js';

/** Uniform sampling (the baseline every other strategy must beat); avoids repeats when it can. */
export class RandomStrategy implements SearchStrategy {
  readonly name = 'random';
  constructor(private readonly space: SearchSpace, private readonly rng: Rng) {}

  propose(history: readonly Scored[]): Candidate {
    const seen = new Set(history.map((h) => this.space.key(h.evaluation.candidate)));
    let c = this.space.random(this.rng);
    for (let i = 0; i < 50 && seen.has(this.space.key(c)); i++) c = this.space.random(this.rng);
    return c;
  }
}
