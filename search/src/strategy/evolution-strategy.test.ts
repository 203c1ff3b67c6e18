import { describe, expect, it } from 'vitest';
import { GenomeSpace, type Genome } from '../space/genome-space.js';
import { createRng } from '../rng/rng.js';
import type { Score } from '../objective/score.js';
import { beats, EvolutionStrategy } from './evolution-strategy.js';
import { rejectedMargin } from './run-search.js';
import type { Scored } from './search-strategy.js';

const space = new GenomeSpace({ modes: 3, layers: 4, choices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] });
const scored = (genome: Genome, score: Score): Scored => ({ genome, score, evaluation: { candidate: space.toCandidate(genome), modes: [], costSource: 'predicted' } });
const feasible = (value: number): Score => ({ feasible: true, value, margin: 1 });
const short = (margin: number): Score => ({ feasible: false, value: 0, margin, violated: 'accuracy floor' });
const refused = (excess = 0): Score => ({ feasible: false, value: 0, margin: rejectedMargin(excess), violated: 'sparsity floor' });

describe('regularized evolution: the tournament', () => {
  const g = space.random(createRng(1));
  it('prefers feasible to infeasible, a higher score, and among the infeasible the one that came closest', () => {
    expect(beats(scored(g, feasible(1)), scored(g, short(-0.1)))).toBe(true);
    expect(beats(scored(g, feasible(1)), scored(g, feasible(2)))).toBe(false);
    expect(beats(scored(g, short(-2)), scored(g, short(-5)))).toBe(true);
    // an evaluated candidate short of its accuracy floor beats any the decoder refused
    expect(beats(scored(g, short(-40)), scored(g, refused()))).toBe(true);
    expect(beats(scored(g, refused(0.1)), scored(g, refused(2)))).toBe(true);
    // an evaluated package over a device budget ranks as the decoder's refusal of that excess
    expect(beats(scored(g, { ...short(0), excess: 0.5 }), scored(g, short(-3)))).toBe(false);
  });

  it('with nothing feasible yet, breeds from the member closest to feasibility', () => {
    const lowest = space.genes.map(() => 0);
    const highest = space.genes.map((gene) => gene.size - 1);
    const middle = space.genes.map((gene) => Math.floor(gene.size / 2));
    const history = [scored(space.repair(lowest), refused()), scored(space.repair(highest), short(-2)), scored(space.repair(middle), short(-30))];
    const differs = (a: Genome, b: Genome) => a.filter((v, i) => v !== b[i]).length;
    // a tournament of 12 draws from 3 members mostly includes the closest one; when it did not, the
    // parent is the better of the other two. With every infeasible member tied, a third would.
    let fromClosest = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const child = new EvolutionStrategy(space, createRng(seed), { population: 3, tournament: 12 }).propose(history);
      const d = history.map((h) => differs(child, h.genome));
      if (d[1]! < d[0]! && d[1]! < d[2]!) fromClosest++;
      else expect(d[2]!).toBeLessThan(d[0]!); // never from the refused one: it loses to both
    }
    expect(fromClosest).toBeGreaterThanOrEqual(16);
  });
});
