/**
 * Regularized evolution (Real et al., AAAI 2019): the population is the most recent `population`
 * evaluations; a tournament of `tournament` random members picks a parent, which is mutated.
 * Ageing out the oldest, rather than the worst, keeps it from over-trusting one lucky measurement.
 * Until the population is filled, it samples at random. The tournament compares as Deb's
 * constraint tournament (2000) does: feasible beats infeasible, feasible ones by score, infeasible
 * ones by how close they came (the score's margin; a decoder refusal's is at most −100, so an
 * evaluated candidate short of an accuracy floor beats one the decoder refused). Before, every
 * infeasible member tied: with no feasible candidate yet, as on LeNet-5's supernet, the parents
 * were arbitrary and 180 of 200 proposals were refused by the sparsity floors.
 */
import type { Rng } from '../rng/rng.js';
import type { Genome, GenomeSpace } from '../space/genome-space.js';
import { rngFrom, snapshotState, type Scored, type SearchStrategy, type StrategySnapshot } from './search-strategy.js';
import { rejectedMargin } from './run-search.js';

export interface EvolutionOptions {
  population: number;
  tournament: number;
}

export class EvolutionStrategy implements SearchStrategy {
  readonly name = 'evolution';
  constructor(private readonly space: GenomeSpace, private rng: Rng, private readonly o: EvolutionOptions) {}

  /** Proposals depend only on the history and the RNG, so the RNG is the whole state. */
  snapshot(): StrategySnapshot {
    return { strategy: this.name, version: 1, state: { rng: this.rng.state() } };
  }

  restore(snapshot: StrategySnapshot): void {
    this.rng = rngFrom(snapshotState(snapshot, this.name));
  }

  propose(history: readonly Scored[]): Genome {
    const seen = new Set(history.map((h) => this.space.key(h.genome)));
    if (history.length < this.o.population) {
      let c = this.space.random(this.rng);
      for (let i = 0; i < 50 && seen.has(this.space.key(c)); i++) c = this.space.random(this.rng);
      return c;
    }
    const pop = history.slice(-this.o.population);
    let parent: Scored | undefined;
    for (let i = 0; i < this.o.tournament; i++) {
      const s = pop[this.rng.int(pop.length)]!;
      if (!parent || beats(s, parent)) parent = s;
    }
    let child = this.space.mutate(parent!.genome, this.rng);
    for (let i = 0; i < 50 && seen.has(this.space.key(child)); i++) child = this.space.mutate(child, this.rng);
    // a neighbourhood measured out: jump elsewhere rather than spend the budget on a repeat
    for (let i = 0; i < 50 && seen.has(this.space.key(child)); i++) child = this.space.random(this.rng);
    return child;
  }
}

/** Whether `a` wins a tournament against `b`: feasibility, then score or closeness to feasibility. */
export function beats(a: Scored, b: Scored): boolean {
  if (a.score.feasible !== b.score.feasible) return a.score.feasible;
  return a.score.feasible ? a.score.value > b.score.value : infeasibility(a) < infeasibility(b);
}

/** How far from feasible, the larger the worse: an evaluated package past a device budget counts as the decoder's refusal of that excess would. */
function infeasibility(s: Scored): number {
  return -(s.score.excess !== undefined ? rejectedMargin(s.score.excess) : s.score.margin);
}
