/**
 * The search loop: propose, evaluate (through the Evaluator port: predicted, virtual or
 * hardware costs), score, repeat for `budget` evaluations. The best is the highest-scoring
 * feasible evaluation; an infeasible candidate is never returned as best.
 */
import type { Evaluation, Evaluator } from '../evaluator/evaluator.js';
import type { Score } from '../objective/score.js';
import type { SearchSpace } from '../space/search-space.js';
import type { Scored, SearchStrategy, StrategySnapshot } from './search-strategy.js';
import { EveError } from '@eve-bench/device-agent';
import type { SearchJournal } from '../journal/search-journal.js';

/**
 * Brings the strategy to where the journal left off: from its last snapshot when it can restore
 * one, else by replaying its proposals against the recorded results (strategies are deterministic
 * given their seed and history, so the replayed proposals must match the recorded candidates).
 */
function resume(o: SearchOptions, journal: SearchJournal, history: Scored[]): void {
  const records = journal.records;
  const last = records.at(-1);
  const canRestore = last?.snapshot !== undefined;
  for (const r of records) {
    if (!canRestore) {
      const proposed = o.space.repair(o.strategy.propose(history));
      if (o.space.key(proposed) !== o.space.key(r.evaluation.candidate)) {
        throw new EveError('JOURNAL_DIVERGED', `replaying evaluation ${r.index}: the strategy proposes ${o.space.key(proposed)}, the journal has ${o.space.key(r.evaluation.candidate)} (different seed or strategy?)`);
      }
    }
    const s = { evaluation: r.evaluation, score: r.score };
    history.push(s);
    if (!canRestore) o.strategy.observe?.(s);
  }
  if (canRestore) o.strategy.restore(last!.snapshot as StrategySnapshot);
}

export interface SearchOptions {
  space: SearchSpace;
  strategy: SearchStrategy;
  evaluator: Evaluator;
  budget: number;
  score(ev: Evaluation): Score;
  onEvaluated?(ev: Evaluation, score: Score, index: number): void | Promise<void>;
  signal?: AbortSignal;
  /** Every evaluation is recorded here before the next is proposed; a journal with records resumes. */
  journal?: SearchJournal;
}

export interface SearchResult {
  history: Scored[];
  best: Scored | null;
}

export async function runSearch(o: SearchOptions): Promise<SearchResult> {
  const history: Scored[] = [];
  let best: Scored | null = null;
  if (o.journal) resume(o, o.journal, history);
  for (const s of history) if (s.score.feasible && (!best || s.score.value > best.score.value)) best = s;
  for (let i = history.length; i < o.budget; i++) {
    o.signal?.throwIfAborted();
    const candidate = o.space.repair(o.strategy.propose(history));
    const evaluation = await o.evaluator.evaluate(candidate, o.signal);
    const score = o.score(evaluation);
    const s = { evaluation, score };
    history.push(s);
    o.strategy.observe?.(s);
    o.journal?.record({ index: i, evaluation, score, ...(o.strategy.snapshot ? { snapshot: o.strategy.snapshot() } : {}) });
    if (score.feasible && (!best || score.value > best.score.value)) best = s;
    await o.onEvaluated?.(evaluation, score, i);
  }
  return { history, best };
}
