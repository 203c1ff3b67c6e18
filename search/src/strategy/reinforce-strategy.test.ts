import { beforeAll, describe, expect, it } from 'vitest';
import { GenomeSpace } from '../space/genome-space.js';
import { createRng, restoreRng } from '../rng/rng.js';
import type { Evaluation } from '../evaluator/evaluator.js';
import type { Score } from '../objective/score.js';
import { initWasmBackend } from '../train/backend.js';
import { ReinforceStrategy, type ReinforceOptions } from './reinforce-strategy.js';

const space = new GenomeSpace({ modes: 3, layers: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.9] });
const options: ReinforceOptions = { hidden: 4, learningRate: 0.1, baselineDecay: 0.8 };

/** Proposes and observes n times with the given scores; returns the controller's weights. */
function train(s: ReinforceStrategy, scores: Score[]): number[] {
  for (const score of scores) {
    const genome = s.propose([]);
    s.observe({ genome, evaluation: {} as Evaluation, score });
  }
  const state = s.snapshot().state as { weights: Record<string, number[]> };
  return Object.values(state.weights).flat();
}

beforeAll(async () => { await initWasmBackend(); });

describe('ReinforceStrategy', () => {
  const flat: Score[] = Array.from({ length: 4 }, () => ({ feasible: true, value: 1, margin: 1 }));

  it('with equal rewards plain REINFORCE does not move; the entropy bonus alone does', () => {
    const init = train(new ReinforceStrategy(space, createRng(3), options), []);
    expect(train(new ReinforceStrategy(space, createRng(3), options), flat)).toEqual(init);
    expect(train(new ReinforceStrategy(space, createRng(3), { ...options, entropyWeight: 0.5 }), flat)).not.toEqual(init);
  });

  it('passes the best feasible value seen so far to the reward', () => {
    const seen: number[] = [];
    const s = new ReinforceStrategy(space, createRng(3), { ...options, reward: (sc, best) => { seen.push(best); return sc.score.value; } });
    train(s, [{ feasible: true, value: 5, margin: 1 }, { feasible: false, value: 0, margin: -3 }, { feasible: true, value: 2, margin: 1 }, { feasible: true, value: 9, margin: 1 }]);
    expect(seen).toEqual([5, 5, 5, 9]);
  });

  it('restores a snapshot written before the shaped reward (no best feasible value)', () => {
    const a = new ReinforceStrategy(space, createRng(3), options);
    const snap = a.snapshot();
    const { bestFeasible: _, ...old } = snap.state as Record<string, unknown>;
    const b = new ReinforceStrategy(space, createRng(9), options);
    b.restore({ ...snap, state: old });
    expect(b.propose([])).toEqual(a.propose([]));
  });

  const weightsOf = (s: ReinforceStrategy) => Object.values((s.snapshot().state as { weights: Record<string, number[]> }).weights).flat();

  it('collects a batch before it steps, then raises the probability of the rewarded genome', () => {
    const s = new ReinforceStrategy(space, createRng(5), { ...options, batch: 4, reward: (sc) => sc.score.value });
    const genomes = Array.from({ length: 4 }, () => { const g = s.propose([]); s.observe({ genome: g, evaluation: {} as Evaluation, score: { feasible: true, value: 0, margin: 1 } }); return g; });
    // the first batch set the baseline (all rewards equal: no step); now reward only the first genome
    const target = genomes[0]!;
    const before = s.probability(target);
    const init = weightsOf(s);
    genomes.forEach((g, i) => {
      expect(s.propose([])).toBeDefined();
      s.observe({ genome: g, evaluation: {} as Evaluation, score: { feasible: true, value: i === 0 ? 1 : 0, margin: 1 } });
      if (i < 3) expect(weightsOf(s)).toEqual(init);
    });
    expect(weightsOf(s)).not.toEqual(init);
    expect(s.probability(target)).toBeGreaterThan(before);
  });

  it('with relativeModes, decides a later mode as a step above the last: samples nest and avoid refused values', () => {
    // two modes; layer 0 may not repeat mode 0's sparsity in mode 1 (a step of 0)
    const two = new GenomeSpace({ modes: 2, layers: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.9] });
    const refused = (g: readonly number[], t: number) => (t === two.sparsityGene(1, 0) && g[two.sparsityGene(0, 0)]! < 4 ? [g[two.sparsityGene(0, 0)]!] : []);
    const s = new ReinforceStrategy(two, createRng(8), { ...options, relativeModes: true, refused });
    const proposals = Array.from({ length: 40 }, () => s.propose([]));
    for (const g of proposals) {
      const [before, now] = [g[two.sparsityGene(0, 0)]!, g[two.sparsityGene(1, 0)]!];
      expect(now > before || before === 4, g.join(',')).toBe(true);
      for (let l = 0; l < 3; l++) expect(g[two.sparsityGene(1, l)]).toBeGreaterThanOrEqual(g[two.sparsityGene(0, l)]!);
    }
    // steps of every size are taken, not only to the top
    expect(new Set(proposals.map((g) => g[two.sparsityGene(1, 1)]! - g[two.sparsityGene(0, 1)]!)).size).toBeGreaterThan(2);
    s.dispose();
  });

  for (const variant of [{ optimizer: 'adam' }, { advantages: 'batch' }, { stepsPerBatch: 3 }, { relativeModes: true }] as const) {
    it(`with ${JSON.stringify(variant)}, raises the probability of the genome rewarded above the batch`, () => {
      const s = new ReinforceStrategy(space, createRng(6), { ...options, ...variant, learningRate: 0.05, batch: 4, reward: (sc) => sc.score.value });
      for (let round = 0; round < 3; round++) {
        let first: number[] = [], before = 0;
        for (let i = 0; i < 4; i++) {
          const g = s.propose([]);
          if (i === 0) { first = g; before = s.probability(g); }
          s.observe({ genome: g, evaluation: {} as Evaluation, score: { feasible: true, value: i === 0 ? 1 : 0, margin: 1 } });
        }
        expect(s.probability(first)).toBeGreaterThan(before);
      }
      s.dispose();
    });
  }

  it('with Adam, a restored snapshot carries the moments: it proposes and learns as the original', () => {
    const o: ReinforceOptions = { ...options, optimizer: 'adam', learningRate: 0.05, batch: 2 };
    const a = new ReinforceStrategy(space, createRng(7), o);
    train(a, [{ feasible: true, value: 3, margin: 1 }, { feasible: false, value: 0, margin: -2 }, { feasible: true, value: 1, margin: 1 }, { feasible: true, value: 9, margin: 1 }]);
    const b = new ReinforceStrategy(space, createRng(1), o);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    const more: Score[] = [{ feasible: true, value: 5, margin: 1 }, { feasible: true, value: 0, margin: 1 }];
    expect(train(b, more)).toEqual(train(a, more));
    expect(() => new ReinforceStrategy(space, createRng(1), o).restore({ ...a.snapshot(), state: { ...(a.snapshot().state as object), adam: { t: 1 } } })).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
    expect(() => new ReinforceStrategy(space, createRng(1), { ...options, stepsPerBatch: 0 })).toThrow(expect.objectContaining({ code: 'STRATEGY_OPTIONS' }));
  });

  const mixed = new GenomeSpace({ modes: 2, layers: 2, choices: [0.5, 0.7, 0.9], granularities: ['unstructured', 'block1x4'], numberFormats: ['float32', 'int8'] });
  // as space/refused-values.ts names it: int8 has no 1x4 kernel
  const noBlocksInInt8 = (a: readonly number[], t: number) => (mixed.genes[t]!.kind === 'granularity' && a[0] === 1 ? [1] : []);

  it('never samples a value the refused mask names, and does not learn from a proposal holding one', () => {
    const s = new ReinforceStrategy(mixed, createRng(4), { ...options, refused: noBlocksInInt8 });
    const proposals = Array.from({ length: 40 }, () => mixed.toCandidate(s.propose([])));
    expect(proposals.some((c) => c.numberFormat === 'int8')).toBe(true);
    expect(proposals.some((c) => c.granularity!.includes('block1x4'))).toBe(true);
    expect(proposals.every((c) => c.numberFormat === 'float32' || !c.granularity!.includes('block1x4'))).toBe(true);
    // a warm-up draw of int8 with a 1x4 layer is proposed, but teaches the controller nothing
    const w = new ReinforceStrategy(mixed, createRng(4), { ...options, warmup: 10, refused: noBlocksInInt8 });
    const init = weightsOf(w);
    let unrunnable = 0;
    for (let i = 0; i < 10; i++) {
      const g = w.propose([]);
      const c = mixed.toCandidate(g);
      const bad = c.numberFormat === 'int8' && c.granularity!.includes('block1x4');
      w.observe({ genome: g, evaluation: {} as Evaluation, score: { feasible: !bad, value: bad ? 0 : 10 - i, margin: bad ? -100 : 1 } });
      if (bad) { unrunnable++; expect(w.probability(g)).toBeLessThan(1e-6); }
    }
    expect(unrunnable).toBeGreaterThan(0);
    expect(weightsOf(w)).not.toEqual(init);
  });

  it('never lets the mask take every value of a gene: the decoder then names what is wrong', () => {
    const s = new ReinforceStrategy(mixed, createRng(4), { ...options, refused: (_, t) => (t === 0 ? [0, 1] : []) });
    const formats = Array.from({ length: 30 }, () => mixed.toCandidate(s.propose([])).numberFormat);
    expect(new Set(formats)).toEqual(new Set(['float32', 'int8']));
  });

  it('with explore, proposes about that share of uniform random genomes after the warm-up', () => {
    const s = new ReinforceStrategy(space, createRng(9), { ...options, explore: 0.5 });
    let uniform = 0;
    for (let i = 0; i < 40; i++) {
      const rng = restoreRng((s.snapshot().state as { rng: number[] }).rng);
      const explores = rng.next() < 0.5;
      const g = s.propose([]);
      if (explores) { uniform++; expect(g).toEqual(space.random(rng)); }
    }
    expect(uniform).toBeGreaterThan(10);
    expect(uniform).toBeLessThan(30);
    s.dispose();
  });

  it('proposes uniform random genomes during the warm-up and learns from them', () => {
    const s = new ReinforceStrategy(space, createRng(5), { ...options, warmup: 2, batch: 2 });
    const init = weightsOf(s);
    const history: { genome: number[]; evaluation: Evaluation; score: Score }[] = [];
    for (const value of [5, 1]) {
      const expected = space.random(restoreRng((s.snapshot().state as { rng: number[] }).rng));
      const g = s.propose(history);
      expect(g).toEqual(expected);
      const scored = { genome: g, evaluation: {} as Evaluation, score: { feasible: true, value, margin: 1 } };
      s.observe(scored);
      history.push(scored);
    }
    expect(weightsOf(s)).not.toEqual(init);
  });
});
