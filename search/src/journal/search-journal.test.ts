import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SearchJournal } from './search-journal.js';
import { GenomeSpace } from '../space/genome-space.js';
import { candidateKey, type Candidate } from '../space/candidate.js';
import { createRng } from '../rng/rng.js';
import { EvolutionStrategy } from '../strategy/evolution-strategy.js';
import { RandomStrategy } from '../strategy/random-strategy.js';
import { runSearch } from '../strategy/run-search.js';
import { scoreEvaluation } from '../objective/score.js';
import type { Evaluation, Evaluator } from '../evaluator/evaluator.js';

const dir = mkdtempSync(join(tmpdir(), 'eve-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const space = new GenomeSpace({ modes: 3, layers: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.9, 0.95] });
const score = (ev: Evaluation) => scoreEvaluation(ev, { denseAccuracy: 0.98, maxDrop: [1, 2, 4], lossWeights: [0.5, 0.3, 0.2] });
function counting(): Evaluator & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    evaluate: async (c: Candidate) => {
      calls.push(candidateKey(c));
      return { candidate: c, costSource: 'predicted', modes: c.sparsity.map((row) => { const s = row.reduce((a, b) => a + b, 0) / row.length; return { sparsity: s, energyUj: 100 * (1 - s) + 5, latencyUs: 1, accuracy: 0.98 - Math.max(0, s - 0.8) * 0.3 }; }) };
    },
  };
}
const evo = (seed: number) => new EvolutionStrategy(space, createRng(seed), { population: 6, tournament: 3 });

describe('durable search', () => {
  it('stopped after any evaluation and resumed, it evaluates each candidate once and ends as an uninterrupted run', async () => {
    const straight = await runSearch({ space, strategy: evo(9), evaluator: counting(), budget: 20, score });
    for (const stopAt of [0, 7, 18]) {
      const path = join(dir, `stop-${stopAt}.jsonl`);
      const first = counting();
      const ac = new AbortController();
      const journal = SearchJournal.open(path, 'run', false);
      await expect(runSearch({ space, strategy: evo(9), evaluator: first, budget: 20, score, journal, signal: ac.signal, onEvaluated: (_e, _s, i) => { if (i === stopAt) ac.abort(); } })).rejects.toThrow();
      journal.close();
      const second = counting();
      const again = SearchJournal.open(path, 'run', true);
      const r = await runSearch({ space, strategy: evo(9), evaluator: second, budget: 20, score, journal: again });
      again.close();
      expect(first.calls.length + second.calls.length).toBe(20);
      expect([...first.calls, ...second.calls]).toEqual(straight.history.map((h) => candidateKey(h.evaluation.candidate)));
      expect(r.best?.score.value).toBe(straight.best?.score.value);
      expect(SearchJournal.open(path, 'run', true).records).toHaveLength(20);
    }
  });

  it('survives a torn last line, and refuses another run\'s journal, a diverging strategy, or overwriting', async () => {
    const path = join(dir, 'torn.jsonl');
    const j = SearchJournal.open(path, 'run', false);
    await runSearch({ space, strategy: new RandomStrategy(space, createRng(1)), evaluator: counting(), budget: 3, score, journal: j });
    j.close();
    appendFileSync(path, '{"index":3,"evaluation":{"cand');
    const k = SearchJournal.open(path, 'run', true);
    expect(k.records).toHaveLength(3);
    const more = counting();
    await runSearch({ space, strategy: new RandomStrategy(space, createRng(1)), evaluator: more, budget: 5, score, journal: k });
    k.close();
    expect(more.calls).toHaveLength(2);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(6);
    expect(() => SearchJournal.open(path, 'other run', true)).toThrow(expect.objectContaining({ code: 'JOURNAL_MISMATCH' }));
    expect(() => SearchJournal.open(path, 'run', false)).toThrow(expect.objectContaining({ code: 'JOURNAL_EXISTS' }));
    // a journal without strategy snapshots is resumed by replay, which checks every proposal
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => {
      const r = JSON.parse(l) as Record<string, unknown>;
      delete r['snapshot'];
      return JSON.stringify(r);
    });
    writeFileSync(path, `${lines.join('\n')}\n`);
    const diverged = SearchJournal.open(path, 'run', true);
    await expect(runSearch({ space, strategy: new RandomStrategy(space, createRng(2)), evaluator: counting(), budget: 6, score, journal: diverged })).rejects.toMatchObject({ code: 'JOURNAL_DIVERGED' });
    diverged.close();
    const corrupt = join(dir, 'corrupt.jsonl');
    writeFileSync(corrupt, '{"kind":"header","fingerprint":"run"}\nnot json\n');
    expect(() => SearchJournal.open(corrupt, 'run', true)).toThrow(expect.objectContaining({ code: 'JOURNAL_CORRUPT' }));
  });

  it('resumes a journal written before genomes were recorded, re-encoding each candidate', async () => {
    const path = join(dir, 'no-genomes.jsonl');
    const j = SearchJournal.open(path, 'run', false);
    await runSearch({ space, strategy: evo(5), evaluator: counting(), budget: 8, score, journal: j });
    j.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => {
      const r = JSON.parse(l) as Record<string, unknown>;
      delete r['genome'];
      delete r['snapshot'];
      return JSON.stringify(r);
    });
    writeFileSync(path, `${lines.join('\n')}\n`);
    const straight = await runSearch({ space, strategy: evo(5), evaluator: counting(), budget: 12, score });
    const k = SearchJournal.open(path, 'run', true);
    expect(k.records.every((r) => r.genome === undefined)).toBe(true);
    const more = counting();
    const r = await runSearch({ space, strategy: evo(5), evaluator: more, budget: 12, score, journal: k });
    k.close();
    expect(more.calls).toHaveLength(4);
    expect(r.history.map((h) => space.key(h.genome))).toEqual(straight.history.map((h) => space.key(h.genome)));
  });

  it('restores a strategy from its snapshot instead of replaying it', async () => {
    const path = join(dir, 'snap.jsonl');
    const calls: string[] = [];
    const make = () => {
      const inner = new RandomStrategy(space, createRng(4));
      let n = 0;
      return { name: 'snap', propose: (h: Parameters<typeof inner.propose>[0]) => { calls.push('propose'); return inner.propose(h); }, observe: () => { n++; }, snapshot: () => ({ n }), restore: (s: unknown) => { n = (s as { n: number }).n; calls.push(`restore ${n}`); } };
    };
    const j = SearchJournal.open(path, 'run', false);
    await runSearch({ space, strategy: make(), evaluator: counting(), budget: 2, score, journal: j });
    j.close();
    calls.length = 0;
    const k = SearchJournal.open(path, 'run', true);
    await runSearch({ space, strategy: make(), evaluator: counting(), budget: 3, score, journal: k });
    k.close();
    expect(calls).toEqual(['restore 2', 'propose']);
  });
});
