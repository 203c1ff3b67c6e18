/** What `eve search` writes: search.json (typed here) and a short human summary. */
import type { CostSource, Evaluation, ModeEvaluation } from '../evaluator/evaluator.js';
import type { Score } from '../objective/score.js';
import type { Candidate } from '../space/candidate.js';

export interface WinnerReport {
  /** Index of the search evaluation it came from. */
  evaluation: number;
  file: string;
  packageBytes: number;
  /** After joint fine-tuning: test accuracy (TensorFlow.js), costs from `costSource`. */
  modes: Array<ModeEvaluation & { costSource: CostSource }>;
}

export interface SearchReport {
  network: string;
  dataset: string;
  seed: number;
  profile: string;
  dense: { valAccuracy: number; testAccuracy: number };
  seconds: { dense: number; supernet: number; search: number; fineTune: number; total: number };
  evaluations: Array<{ index: number; candidate: Candidate; modes: ModeEvaluation[]; packageBytes?: number; costSource: CostSource; accuracySource: 'supernet'; score: Score; rejected?: Evaluation['rejected'] }>;
  /** Indices into `evaluations`. */
  front: number[];
  winner: WinnerReport | null;
  frontPackages: WinnerReport[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

export function summarise(r: SearchReport): string {
  const feasible = r.evaluations.filter((e) => e.score.feasible).length;
  const lines = [
    `eve search: ${r.network} on ${r.dataset}, seed ${r.seed}, device ${r.profile}`,
    `dense: test ${pct(r.dense.testAccuracy)} (validation ${pct(r.dense.valAccuracy)})`,
    `search: ${r.evaluations.length} evaluations (${feasible} feasible), Pareto front of ${r.front.length}; ${r.seconds.total.toFixed(0)} s in all`,
  ];
  if (!r.winner) lines.push('winner: none (no evaluation)');
  else {
    lines.push(`winner: evaluation ${r.winner.evaluation} -> ${r.winner.file} (${r.winner.packageBytes} bytes), after joint fine-tuning:`);
    lines.push('  mode  sparsity  test acc   drop    latency us  energy uJ  costs');
    r.winner.modes.forEach((m, k) => lines.push(`  ${String(k).padEnd(4)}  ${pct(m.sparsity).padStart(8)}  ${pct(m.accuracy).padStart(8)}  ${((r.dense.testAccuracy - m.accuracy) * 100).toFixed(2).padStart(5)}  ${m.latencyUs.toFixed(0).padStart(10)}  ${m.energyUj.toFixed(2).padStart(9)}  ${m.costSource}`));
  }
  return `${lines.join('\n')}\n`;
}
