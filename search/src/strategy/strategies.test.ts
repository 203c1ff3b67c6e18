import { beforeAll, describe, expect, it } from 'vitest';
import { isEveError } from '@eve-bench/device-agent';
import { GenomeSpace } from '../space/genome-space.js';
import type { Candidate } from '../space/candidate.js';
import { createRng } from '../rng/rng.js';
import { scoreEvaluation } from '../objective/score.js';
import type { Evaluation, Evaluator } from '../evaluator/evaluator.js';
import { objectives, searchHypervolume, type Normalisation } from '../pareto/pareto-front.js';
import { EvolutionStrategy } from './evolution-strategy.js';
import { Nsga2Strategy, rankAndCrowd } from './nsga2-strategy.js';
import { RandomStrategy } from './random-strategy.js';
import { ReinforceStrategy } from './reinforce-strategy.js';
import { runSearch } from './run-search.js';
import { initWasmBackend } from '../train/backend.js';
import type { Scored, SearchStrategy } from './search-strategy.js';

/** Energy and bytes fall with sparsity; accuracy falls sharply past 0.8 in any layer. */
const toy: Evaluator = {
  evaluate: async (c: Candidate): Promise<Evaluation> => ({
    candidate: c,
    costSource: 'predicted',
    packageBytes: Math.round(1000 * (1 - c.sparsity[0]!.reduce((a, b) => a + b, 0) / c.sparsity[0]!.length)) + 100,
    modes: c.sparsity.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      return { sparsity: mean, energyUj: 100 * (1 - mean) + 5, latencyUs: 1000 * (1 - mean), accuracy: 0.98 - row.reduce((s, x, l) => s + Math.max(0, x - 0.8 + 0.05 * l) * 0.4, 0) };
    }),
  }),
};
const space = new GenomeSpace({ modes: 3, layers: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] });
const score = (ev: Evaluation) => scoreEvaluation(ev, { denseAccuracy: 0.98, maxDrop: [2, 4, 8], lossWeights: [0.5, 0.3, 0.2] });
const norm: Normalisation = { denseAccuracy: 0.98, maxAccuracyDrop: 0.1, denseEnergyUj: 105, densePackageBytes: 1100 };

const make: Record<string, (seed: number) => SearchStrategy> = {
  random: (seed) => new RandomStrategy(space, createRng(seed)),
  evolution: (seed) => new EvolutionStrategy(space, createRng(seed), { population: 6, tournament: 3 }),
  nsga2: (seed) => new Nsga2Strategy(space, createRng(seed), { population: 8, crossoverRate: 0.9, mutations: 1 }),
  reinforce: (seed) => new ReinforceStrategy(space, createRng(seed), { hidden: 8, learningRate: 0.1, baselineDecay: 0.8 }),
  // batched updates, random warm-up and the front reward: snapshots land mid-batch and after the warm-up
  'reinforce (batch, warm-up, front)': (seed) => new ReinforceStrategy(space, createRng(seed), { hidden: 8, learningRate: 0.1, baselineDecay: 0.8, batch: 3, warmup: 5, front: (s) => objectives(s.evaluation, norm) }),
};

// the backend training and the bench use (importing it makes it TensorFlow.js's first choice)
beforeAll(async () => { await initWasmBackend(); });

describe('strategies: durability', () => {
  for (const name of Object.keys(make)) {
    it(`${name}: propose after snapshot → JSON → restore equals propose without interruption`, async () => {
      const history: Scored[] = [];
      const a = make[name]!(7);
      const step = async (s: SearchStrategy, h: Scored[]) => {
        const c = s.propose(h);
        const evaluation = await toy.evaluate(space.toCandidate(c));
        const scored = { genome: space.repair(c), evaluation, score: score(evaluation) };
        s.observe?.(scored);
        return { c, scored };
      };
      for (let i = 0; i < 13; i++) history.push((await step(a, history)).scored);
      // snapshot mid-generation (13 is not a multiple of the NSGA-II population), also mid-proposal
      const pendingProposal = a.propose(history);
      const snap = JSON.parse(JSON.stringify(a.snapshot()));
      const b = make[name]!(999); // a different seed: everything must come from the snapshot
      b.restore(snap);
      const evaluation = await toy.evaluate(space.toCandidate(pendingProposal));
      const scored = { genome: space.repair(pendingProposal), evaluation, score: score(evaluation) };
      a.observe?.(scored); b.observe?.(scored);
      history.push(scored);
      for (let i = 0; i < 12; i++) {
        const ra = await step(a, history);
        const rb = await step(b, [...history]);
        expect(space.key(rb.c)).toBe(space.key(ra.c));
        history.push(ra.scored);
      }
    });
  }

  it('a snapshot of another strategy or a corrupt one is rejected with SNAPSHOT_INVALID', () => {
    const r = make.reinforce!(1);
    const bad = [make.nsga2!(1).snapshot(), { strategy: 'reinforce', version: 1, state: { rng: [1, 2, 3] } } as const, { ...r.snapshot(), state: { ...(r.snapshot().state as object), weights: {} } }];
    for (const s of bad) {
      try { r.restore(s); expect.unreachable(); } catch (e) { expect(isEveError(e, 'SNAPSHOT_INVALID')).toBe(true); }
    }
  });

  it('NSGA-II restored against a shorter history than its snapshot names is rejected rather than proposing from nothing', () => {
    const n = make.nsga2!(1);
    n.restore({ strategy: 'nsga2', version: 1, state: { rng: [1, 2, 3, 4], parents: [0, 30], generationStart: 40, queue: [] } });
    try { n.propose([]); expect.unreachable(); } catch (e) { expect(isEveError(e, 'SNAPSHOT_INVALID')).toBe(true); }
  });
});

describe('strategies: behaviour', () => {
  it('NSGA-II and REINFORCE only propose nested candidates and never repeat one', async () => {
    for (const name of ['nsga2', 'reinforce']) {
      const r = await runSearch({ space, evaluator: toy, budget: 40, score, strategy: make[name]!(3) });
      const keys = r.history.map((h) => space.key(h.genome));
      expect(new Set(keys).size).toBe(keys.length);
      for (const h of r.history) expect(space.key(space.repair(h.genome))).toBe(space.key(h.genome));
    }
  });

  it('crossover keeps every layer nested across modes', () => {
    const rng = createRng(2);
    for (let i = 0; i < 100; i++) {
      const c = space.toCandidate(space.crossover(space.random(rng), space.random(rng), rng));
      for (let m = 1; m < 3; m++) c.sparsity[m]!.forEach((s, l) => expect(s).toBeGreaterThanOrEqual(c.sparsity[m - 1]![l]!));
    }
  });

  it('non-dominated sort: fronts, constrained domination and infinite crowding at the extremes', () => {
    const pt = (o: number[], feasible = true, margin = 1) => ({ o, s: { genome: [], evaluation: { candidate: { sparsity: [] }, modes: [], costSource: 'predicted' }, score: { feasible, value: 0, margin } } as Scored });
    const pts = [pt([1, 1]), pt([2, 2]), pt([0, 3]), pt([3, 0]), pt([0, 0], false, -1), pt([0, 0], false, -5), pt([1.5, 0.5])];
    const { order, rank, crowding } = rankAndCrowd(pts.map((p) => p.s), (s) => pts.find((p) => p.s === s)!.o);
    expect(rank).toEqual([0, 1, 0, 0, 2, 3, 0]);
    expect(order.slice(0, 4).sort()).toEqual([0, 2, 3, 6]);
    expect(order.slice(4)).toEqual([1, 4, 5]);
    expect(crowding[2]).toBe(Infinity);
    expect(crowding[3]).toBe(Infinity);
    expect(crowding[0]).toBeGreaterThan(0);
  });

  it('NSGA-II and REINFORCE reach a higher mean hypervolume than random on the toy problem', async () => {
    const hv: Record<string, number> = {};
    for (const name of ['random', 'nsga2', 'reinforce']) {
      hv[name] = 0;
      for (let seed = 1; seed <= 3; seed++) {
        const r = await runSearch({ space, evaluator: toy, budget: 100, score, strategy: make[name]!(seed) });
        hv[name] += searchHypervolume(r.history, norm) / 3;
      }
    }
    expect(hv.nsga2).toBeGreaterThan(hv.random!);
    expect(hv.reinforce).toBeGreaterThan(hv.random!);
  });
});
