import { beforeAll, describe, expect, it } from 'vitest';
import { getNetworkSpec } from '../models/network-spec.js';
import { createRng } from '../rng/rng.js';
import { candidateKey, type Candidate } from '../space/candidate.js';
import { decodeGenome, keptPerMode } from '../space/decode.js';
import { GenomeSpace, type Genome } from '../space/genome-space.js';
import { networkGeometry } from '../space/network-geometry.js';
import { scoreEvaluation } from '../objective/score.js';
import type { Evaluation, Evaluator } from '../evaluator/evaluator.js';
import { initWasmBackend } from '../train/backend.js';
import { EvolutionStrategy } from './evolution-strategy.js';
import { Nsga2Strategy } from './nsga2-strategy.js';
import { RandomStrategy } from './random-strategy.js';
import { ReinforceStrategy } from './reinforce-strategy.js';
import { rejectedMargin, runSearch } from './run-search.js';
import { getProfile } from '@eve-bench/device-agent';
import type { Scored, SearchStrategy } from './search-strategy.js';

const space = new GenomeSpace({
  modes: 3, layers: 3, choices: [0.5, 0.7, 0.8, 0.9, 0.95],
  granularities: ['unstructured', 'block1x4', 'channel'], kernels: ['dense', 'sparse'], numberFormats: ['float32', 'int8'],
  policy: { reserveJ: [10e-6, 20e-6, 40e-6] },
});
const geometry = networkGeometry(getNetworkSpec('lenet-300-100'));
// boards that run float32 only: every int8 genome is refused by the decoder
const decode = (g: Genome) => decodeGenome(space, g, { geometry, supports: { numberFormats: ['float32'], kernelFormats: ['dense', 'rowPrefixSparse', 'block1x4'] } });

/** Counts its calls; energy falls with sparsity (less for channel pruning), accuracy past 0.8. */
function toy(): Evaluator & { calls: Candidate[] } {
  const calls: Candidate[] = [];
  return {
    calls,
    evaluate: async (c: Candidate): Promise<Evaluation> => {
      calls.push(c);
      return {
        candidate: c, costSource: 'predicted', packageBytes: 1000,
        modes: c.sparsity.map((row) => {
          const mean = row.reduce((a, b) => a + b, 0) / row.length;
          return { sparsity: mean, energyUj: 100 * (1 - mean) + 5, latencyUs: 1, accuracy: 0.98 - row.reduce((s, x, l) => s + Math.max(0, x - 0.8) * (c.granularity![l] === 'channel' ? 0.8 : 0.4), 0) };
        }),
      };
    },
  };
}
const score = (ev: Evaluation) => scoreEvaluation(ev, { denseAccuracy: 0.98, maxDrop: [2, 4, 8], lossWeights: [0.5, 0.3, 0.2] });
const make: Record<string, (seed: number) => SearchStrategy> = {
  random: (seed) => new RandomStrategy(space, createRng(seed)),
  evolution: (seed) => new EvolutionStrategy(space, createRng(seed), { population: 8, tournament: 3 }),
  nsga2: (seed) => new Nsga2Strategy(space, createRng(seed), { population: 10, crossoverRate: 0.9, mutations: 1 }),
  reinforce: (seed) => new ReinforceStrategy(space, createRng(seed), { hidden: 8, learningRate: 0.1, baselineDecay: 0.8 }),
};

beforeAll(async () => { await initWasmBackend(); });

describe('strategies over the full space, through the decoder', () => {
  for (const name of Object.keys(make)) {
    it(`${name}: canonical genomes, never repeated; decoder rejections named and never evaluated`, async () => {
      const evaluator = toy();
      const r = await runSearch({ space, evaluator, budget: 50, score, decode, strategy: make[name]!(4) });
      expect(r.history).toHaveLength(50);
      const keys = r.history.map((h) => space.key(h.genome));
      expect(new Set(keys).size).toBe(keys.length);
      for (const h of r.history) expect(space.repair(h.genome)).toEqual(h.genome);
      const rejected = r.history.filter((h) => h.evaluation.rejected);
      for (const h of rejected) {
        // int8 first; otherwise modes that keep the same weights (e.g. all layers dense, or two
        // sparsities rounding to one count of the output layer's ten channels)
        const int8 = h.evaluation.candidate.numberFormat === 'int8';
        expect(h.evaluation.rejected!.constraint).toBe(int8 ? 'number-format' : 'distinct-modes');
        expect(h.score).toMatchObject({ feasible: false, violated: expect.stringMatching(int8 ? /int8 cannot run here/ : /keeps the same weights/) });
        expect(h.evaluation.modes).toEqual([]);
      }
      expect(rejected.some((h) => h.evaluation.candidate.numberFormat === 'int8')).toBe(true);
      expect(evaluator.calls).toHaveLength(50 - rejected.length);
      expect(evaluator.calls.every((c) => c.numberFormat === 'float32')).toBe(true);
      expect(r.best?.evaluation.rejected).toBeUndefined();
    });
  }

  it('a genome proposed again reuses its evaluation instead of being evaluated twice', async () => {
    const g = space.random(createRng(1));
    const evaluator = toy();
    const again: SearchStrategy = { name: 'again', propose: () => g, snapshot: () => ({ strategy: 'again', version: 1, state: {} }), restore: () => {} };
    const r = await runSearch({ space, evaluator, budget: 3, score, strategy: again });
    expect(evaluator.calls).toHaveLength(1);
    expect(r.history).toHaveLength(3);
    expect(r.history[2]!.evaluation).toBe(r.history[0]!.evaluation);
  });

  it('NSGA-II selects each genome once, even when the history holds it many times', async () => {
    const rng = createRng(2);
    const evaluator = toy();
    const history: Scored[] = [];
    const push = async (g: Genome) => { const evaluation = await evaluator.evaluate(space.toCandidate(g)); history.push({ genome: g, evaluation, score: score(evaluation) }); };
    const twin = space.random(rng);
    for (let i = 0; i < 6; i++) await push(twin);
    for (let i = 0; i < 6; i++) await push(space.random(rng));
    const n = new Nsga2Strategy(space, createRng(3), { population: 8, crossoverRate: 0.9, mutations: 1 });
    const child = n.propose(history);
    const parents = (n.snapshot().state as { parents: number[] }).parents.map((i) => space.key(history[i]!.genome));
    expect(new Set(parents).size).toBe(parents.length);
    expect(parents.filter((k) => k === space.key(twin))).toHaveLength(1);
    expect(history.map((h) => space.key(h.genome))).not.toContain(space.key(child));
  });

  it('REINFORCE learns to stop proposing what the decoder rejects and to propose feasible candidates', async () => {
    // summed over seeds 1-3: a single seed's controller may start among feasible candidates already
    let early = { rejected: 0, feasible: 0 };
    let late = { rejected: 0, feasible: 0 };
    for (const seed of [1, 2, 3]) {
      const r = await runSearch({ space, evaluator: toy(), budget: 120, score, decode, strategy: make.reinforce!(seed) });
      const count = (from: number, to: number) => ({
        rejected: r.history.slice(from, to).filter((h) => h.evaluation.rejected).length,
        feasible: r.history.slice(from, to).filter((h) => h.score.feasible).length,
      });
      const [e, l] = [count(0, 40), count(80, 120)];
      early = { rejected: early.rejected + e.rejected, feasible: early.feasible + e.feasible };
      late = { rejected: late.rejected + l.rejected, feasible: late.feasible + l.feasible };
    }
    expect(late.rejected).toBeLessThan(early.rejected);
    expect(late.feasible).toBeGreaterThan(early.feasible);
  }, 120_000);

  it('a rejection far past a memory budget scores a lower margin than one just past it', async () => {
    const msp = getProfile('msp430fr5994');
    const onDevice = (g: Genome) => decodeGenome(space, g, { geometry, device: { profile: msp, deadlineS: 10 } });
    const r = await runSearch({ space, evaluator: toy(), budget: 40, score, decode: onDevice, strategy: make.random!(6) });
    const memory = r.history.filter((h) => h.evaluation.rejected?.constraint === 'weight-memory');
    expect(memory.length).toBeGreaterThan(1);
    for (const h of memory) {
      const [need, budget] = /at least (\d+) B of weights, (\d+) B/.exec(h.score.violated!)!.slice(1).map(Number);
      expect(h.score.margin).toBeCloseTo(rejectedMargin(need! / budget! - 1), 9);
      expect(h.score.margin).toBeLessThan(-100);
    }
    expect(rejectedMargin(0.5)).toBe(-150);
  });

  it('with sparsity floors, a candidate below one is refused as sparsity-floor and never evaluated', async () => {
    const floors = [0.5, 0.8, 0.92];
    const withFloors = (g: Genome) => decodeGenome(space, g, { geometry, sparsityFloors: floors });
    const evaluator = toy();
    const r = await runSearch({ space, evaluator, budget: 60, score, decode: withFloors, strategy: make.random!(5) });
    const all = geometry.layers.reduce((s, l) => s + l.rows * l.cols, 0);
    const overall = (c: Candidate, m: number) => 1 - geometry.layers.reduce((s, l, i) => s + keptPerMode(l, c.kernel![i] === 'dense' ? null : c.granularity![i]!, c.sparsity.map((row) => row[i]!))[m]!, 0) / all;
    const refused = r.history.filter((h) => h.evaluation.rejected?.constraint === 'sparsity-floor');
    expect(refused.length).toBeGreaterThan(0);
    for (const h of refused) expect(h.score.violated).toMatch(/^sparsity floor: mode \d is [\d.]+ % sparse, its floor is/);
    expect(evaluator.calls.length).toBeGreaterThan(0);
    for (const c of evaluator.calls) floors.forEach((f, m) => expect(overall(c, m)).toBeGreaterThanOrEqual(f));
  });

  it('keys: equal candidates from the decoder share one key', () => {
    const a = space.toCandidate(space.random(createRng(7)));
    expect(candidateKey(a)).toBe(candidateKey(space.toCandidate(space.encode(a))));
  });
});
