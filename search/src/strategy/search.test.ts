import { describe, expect, it } from 'vitest';
import { GenomeSpace, type Genome } from '../space/genome-space.js';
import { candidateKey, type Candidate } from '../space/candidate.js';
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

const space = new GenomeSpace({ modes: 3, layers: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] });
const score = (ev: Evaluation) => scoreEvaluation(ev, { denseAccuracy: 0.98, maxDrop: [1, 2, 4], lossWeights: [0.5, 0.3, 0.2] });

describe('search', () => {
  it('the space only yields nested candidates with strictly sparser modes', () => {
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const c = space.toCandidate(i % 2 ? space.random(rng) : space.mutate(space.random(rng), rng));
      for (let m = 1; m < 3; m++) {
        c.sparsity[m]!.forEach((s, l) => expect(s).toBeGreaterThanOrEqual(c.sparsity[m - 1]![l]!));
        expect(c.sparsity[m]!.some((s, l) => s > c.sparsity[m - 1]![l]!)).toBe(true);
      }
    }
  });

  it('is deterministic for a seed and never returns an infeasible best', async () => {
    const run = () => runSearch({ space, evaluator: toy, budget: 30, score, strategy: new EvolutionStrategy(space, createRng(5), { population: 8, tournament: 3 }) });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.history.map((h) => space.key(h.genome))).toEqual(b.history.map((h) => space.key(h.genome)));
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

describe('search: edge cases', () => {
  /** Every canonical genome of a small sparsity-only space, by brute force. */
  function enumerate(s: GenomeSpace): Genome[] {
    const { modes, layers } = s.o;
    const out = new Map<string, Genome>();
    const total = s.choices.length ** (modes * layers);
    for (let code = 0; code < total; code++) {
      let c = code;
      const g = s.genes.map(() => 0);
      for (let m = 0; m < modes; m++) for (let l = 0; l < layers; l++) { g[s.sparsityGene(m, l)] = c % s.choices.length; c = Math.floor(c / s.choices.length); }
      if (s.key(s.repair(g)) === s.key(g)) out.set(s.key(g), g);
    }
    return [...out.values()];
  }

  it('evolution finds the optimum of a small space without repeating a candidate', async () => {
    const small = new GenomeSpace({ modes: 2, layers: 2, choices: [0.5, 0.7, 0.8, 0.9, 0.95] });
    const all = enumerate(small);
    const smallScore = (e: Evaluation) => scoreEvaluation(e, { denseAccuracy: 0.98, maxDrop: [1, 2], lossWeights: [0.6, 0.4] });
    let bestValue = -Infinity;
    for (const g of all) { const s = smallScore(await toy.evaluate(small.toCandidate(g))); if (s.feasible) bestValue = Math.max(bestValue, s.value); }
    for (let seed = 1; seed <= 3; seed++) {
      const r = await runSearch({ space: small, evaluator: toy, budget: Math.ceil(all.length * 0.8), score: smallScore, strategy: new EvolutionStrategy(small, createRng(seed), { population: 6, tournament: 3 }) });
      expect(r.best!.score.value).toBeCloseTo(bestValue, 12);
      const keys = r.history.map((h) => small.key(h.genome));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('never returns an infeasible candidate as best, however good its costs look', async () => {
    // the sparser the candidate, the better its energy, but anything above 0.7 in mode 0 is infeasible
    const tricky: Evaluator = {
      evaluate: async (c) => ({
        candidate: c, costSource: 'virtual',
        modes: c.sparsity.map((row, m) => ({ sparsity: row[0]!, latencyUs: 1, energyUj: 10 - 5 * row[0]! - m, accuracy: m === 0 && row.some((x) => x > 0.7) ? 0.5 : 0.98 })),
      }),
    };
    const r = await runSearch({ space, evaluator: tricky, budget: 40, score, strategy: new RandomStrategy(space, createRng(2)) });
    expect(r.history.some((h) => !h.score.feasible)).toBe(true);
    expect(r.best!.score.feasible).toBe(true);
    expect(r.best!.evaluation.candidate.sparsity[0]!.every((x) => x <= 0.7)).toBe(true);
    const none = await runSearch({ space, evaluator: { evaluate: async (c) => ({ ...(await tricky.evaluate(c)), modes: (await tricky.evaluate(c)).modes.map((m) => ({ ...m, accuracy: 0.1 })) }) }, budget: 5, score, strategy: new RandomStrategy(space, createRng(2)) });
    expect(none.best).toBeNull();
  });

  it('tells the strategy of every evaluation, reports each one, and stops when aborted', async () => {
    const seen: number[] = [];
    const observed: string[] = [];
    const ac = new AbortController();
    const strategy = new RandomStrategy(space, createRng(3));
    const observing = { name: 'spy', propose: (h: Parameters<typeof strategy.propose>[0]) => strategy.propose(h), observe: (s: { evaluation: Evaluation }) => { observed.push(candidateKey(s.evaluation.candidate)); } };
    const p = runSearch({ space, evaluator: toy, budget: 100, score, strategy: observing, signal: ac.signal, onEvaluated: (_e, _s, i) => { seen.push(i); if (i === 4) ac.abort(); } });
    await expect(p).rejects.toThrow();
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(observed).toHaveLength(5);
  });
});
