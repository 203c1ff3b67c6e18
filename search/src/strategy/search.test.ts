import { describe, expect, it } from 'vitest';
import { SearchSpace, type Candidate } from '../space/search-space.js';
import { createRng } from '../rng/rng.js';
import { EvolutionStrategy } from './evolution-strategy.js';
import { RandomStrategy } from './random-strategy.js';
import { runSearch } from './run-search.js';
import { scoreEvaluation } from '../objective/score.js';
import type { Evaluation, Evaluator } from '../evaluator/evaluator.js';

/** A toy evaluator: energy falls with sparsity, accuracy falls sharply past 0.85 in any layer. */
const toy: Evaluator = {
  evaluate: async (c: Candidate): Promise<Evaluation> => ({
    candidate: c,
    costSource: 'predicted',
    modes: c.sparsity.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      return { sparsity: mean, energyUj: 100 * (1 - mean) + 5, latencyUs: 1000 * (1 - mean), accuracy: 0.98 - row.reduce((s, x) => s + Math.max(0, x - 0.85) * 0.5, 0) };
    }),
  }),
};

const space = new SearchSpace({ modes: 3, layers: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] });
const score = (ev: Evaluation) => scoreEvaluation(ev, { denseAccuracy: 0.98, maxDrop: [1, 2, 4], lossWeights: [0.5, 0.3, 0.2] });

describe('search', () => {
  it('the space only yields nested candidates with strictly sparser modes', () => {
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const c = i % 2 ? space.random(rng) : space.mutate(space.random(rng), rng);
      for (let m = 1; m < 3; m++) {
        c.sparsity[m]!.forEach((s, l) => expect(s).toBeGreaterThanOrEqual(c.sparsity[m - 1]![l]!));
        expect(c.sparsity[m]!.some((s, l) => s > c.sparsity[m - 1]![l]!)).toBe(true);
      }
    }
  });

  it('is deterministic for a seed and never returns an infeasible best', async () => {
    const run = () => runSearch({ space, evaluator: toy, budget: 30, score, strategy: new EvolutionStrategy(space, createRng(5), { population: 8, tournament: 3 }) });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.history.map((h) => space.key(h.evaluation.candidate))).toEqual(b.history.map((h) => space.key(h.evaluation.candidate)));
    expect(a.best?.score.feasible).toBe(true);
  });

  it('evolution finds better candidates than random on the same budget (mean of 5 seeds)', async () => {
    let evo = 0; let rnd = 0;
    for (let seed = 1; seed <= 5; seed++) {
      evo += (await runSearch({ space, evaluator: toy, budget: 60, score, strategy: new EvolutionStrategy(space, createRng(seed), { population: 10, tournament: 4 }) })).best!.score.value;
      rnd += (await runSearch({ space, evaluator: toy, budget: 60, score, strategy: new RandomStrategy(space, createRng(seed)) })).best!.score.value;
    }
    expect(evo).toBeGreaterThan(rnd);
  });
});
