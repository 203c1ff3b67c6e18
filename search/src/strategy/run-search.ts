/**
 * The search loop: propose a genome, decode it (the one decoder: structure, then the device's and
 * evaluator's constraints), evaluate what decodes feasibly (through the Evaluator port: predicted,
 * virtual or hardware costs), score, repeat for `budget` proposals. A rejected genome is recorded
 * with its violated constraint and costs no evaluation; a genome proposed again reuses its first
 * evaluation rather than being evaluated twice. The best is the highest-scoring feasible
 * evaluation; an infeasible candidate is never returned as best.
 */
import type { Evaluation, Evaluator } from '../evaluator/evaluator.js';
import type { Score } from '../objective/score.js';
import type { Genome, GenomeSpace } from '../space/genome-space.js';
import type { Decoded } from '../space/decode.js';
import type { Scored, SearchStrategy, StrategySnapshot } from './search-strategy.js';
import { EveError } from '@eve-bench/device-agent';
import type { SearchJournal } from '../journal/search-journal.js';

/**
 * Margin of a candidate the decoder rejected: below any accuracy shortfall (at most 100 points),
 * and further below the further it is past its budget, so that constrained domination and rewards
 * prefer a candidate just over the memory budget to one far over it.
 */
export const REJECTED_MARGIN = -100;
export const rejectedMargin = (excess: number): number => REJECTED_MARGIN * (1 + Math.min(10, Math.max(0, excess)));

/**
 * Brings the strategy to where the journal left off: from its last snapshot when it can restore
 * one, else by replaying its proposals against the recorded results (strategies are deterministic
 * given their seed and history, so the replayed proposals must match the recorded genomes).
 * Records written before genomes were journaled get theirs from the candidate (`encode`).
 */
function resume(o: SearchOptions, journal: SearchJournal, history: Scored[]): void {
  const records = journal.records;
  const last = records.at(-1);
  const canRestore = last?.snapshot !== undefined;
  for (const r of records) {
    const genome = o.space.repair(r.genome ?? o.space.encode(r.evaluation.candidate));
    if (!canRestore) {
      const proposed = o.space.repair(o.strategy.propose(history));
      if (o.space.key(proposed) !== o.space.key(genome)) {
        throw new EveError('JOURNAL_DIVERGED', `replaying evaluation ${r.index}: the strategy proposes ${o.space.key(proposed)}, the journal has ${o.space.key(genome)} (different seed or strategy?)`);
      }
    }
    const s = { genome, evaluation: r.evaluation, score: r.score };
    history.push(s);
    if (!canRestore) o.strategy.observe?.(s);
  }
  if (canRestore) o.strategy.restore(last!.snapshot as StrategySnapshot);
}

export interface SearchOptions {
  space: GenomeSpace;
  strategy: SearchStrategy;
  evaluator: Evaluator;
  budget: number;
  score(ev: Evaluation): Score;
  /** The decoder (space/decode.ts `decodeGenome` with the device's context); default: structure only. */
  decode?(genome: Genome): Decoded;
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
  const done = new Map<string, Scored>(history.map((s) => [o.space.key(s.genome), s]));
  for (const s of history) if (s.score.feasible && (!best || s.score.value > best.score.value)) best = s;
  for (let i = history.length; i < o.budget; i++) {
    o.signal?.throwIfAborted();
    const genome = o.space.repair(o.strategy.propose(history));
    const key = o.space.key(genome);
    const again = done.get(key);
    const { evaluation, score } = again ?? await evaluateGenome(o, genome);
    const s = { genome, evaluation, score };
    history.push(s);
    if (!again) done.set(key, s);
    o.strategy.observe?.(s);
    o.journal?.record({ index: i, genome, evaluation, score, ...(o.strategy.snapshot ? { snapshot: o.strategy.snapshot() } : {}) });
    if (score.feasible && (!best || score.value > best.score.value)) best = s;
    await o.onEvaluated?.(evaluation, score, i);
  }
  return { history, best };
}

async function evaluateGenome(o: SearchOptions, genome: Genome): Promise<{ evaluation: Evaluation; score: Score }> {
  const decoded: Decoded = o.decode ? o.decode(genome) : { feasible: true, candidate: o.space.toCandidate(genome), estimate: { weightBytes: 0, activationBytes: 0, latencyS: [] } };
  if (!decoded.feasible) {
    const evaluation: Evaluation = { candidate: decoded.candidate, modes: [], costSource: 'predicted', rejected: { constraint: decoded.constraint, violated: decoded.violated } };
    return { evaluation, score: { feasible: false, violated: decoded.violated, value: 0, margin: rejectedMargin(decoded.excess) } };
  }
  const evaluation = await o.evaluator.evaluate(decoded.candidate, o.signal);
  return { evaluation, score: o.score(evaluation) };
}
