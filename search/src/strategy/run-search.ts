/**
 * The search loop: propose, evaluate (through the Evaluator port: predicted, virtual or
 * hardware costs), score, repeat for `budget` evaluations. The best is the highest-scoring
 * feasible evaluation; an infeasible candidate is never returned as best.
 */
import type { Evaluation, Evaluator } from '../evaluator/evaluator.js';
import type { Score } from '../objective/score.js';
import type { SearchSpace } from '../space/search-space.js';
import type { Scored, SearchStrategy } from './search-strategy.js';

export interface SearchOptions {
  space: SearchSpace;
  strategy: SearchStrategy;
  evaluator: Evaluator;
  budget: number;
  score(ev: Evaluation): Score;
  onEvaluated?(ev: Evaluation, score: Score, index: number): void | Promise<void>;
  signal?: AbortSignal;
}

export interface SearchResult {
  history: Scored[];
  best: Scored | null;
}

export async function runSearch(o: SearchOptions): Promise<SearchResult> {
  const history: Scored[] = [];
  let best: Scored | null = null;
  for (let i = 0; i < o.budget; i++) {
    o.signal?.throwIfAborted();
    const candidate = o.space.repair(o.strategy.propose(history));
    const evaluation = await o.evaluator.evaluate(candidate, o.signal);
    const score = o.score(evaluation);
    const s = { evaluation, score };
    history.push(s);
    o.strategy.observe?.(s);
    if (score.feasible && (!best || score.value > best.score.value)) best = s;
    await o.onEvaluated?.(evaluation, score, i);
  }
  return { history, best };
}
