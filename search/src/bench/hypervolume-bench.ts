/**
 * Hypervolume benchmark (issue 4): REINFORCE, NSGA-II and random on the same budget and seeds,
 * under the analytic predictor (device-agent cost model for the profile) with accuracy from the
 * masked-magnitude estimator on a dense LeNet-300-100 trained here on MNIST. Reports the
 * hypervolume of each run's feasible evaluations after 50, 100 and 200 evaluations, mean and
 * spread (sample standard deviation) over three seeds. Writes its figures under the
 * `hypervolume` key of bench/results/search.json (other keys are left as they are) and prints a
 * table. Run: `npm run build && npm run bench -w search`.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getProfile } from '@eve-bench/device-agent';
import { MaskedMagnitudeEstimator } from '../accuracy/masked-magnitude-estimator.js';
import { loadMnist } from '../data/mnist.js';
import { AnalyticEvaluator } from '../evaluator/analytic-evaluator.js';
import type { Evaluation, Evaluator } from '../evaluator/evaluator.js';
import { getNetworkSpec } from '../models/network-spec.js';
import { scoreEvaluation } from '../objective/score.js';
import { REFERENCE_POINT, searchHypervolume, type Normalisation } from '../pareto/pareto-front.js';
import { createRng } from '../rng/rng.js';
import { GenomeSpace } from '../space/genome-space.js';
import { candidateKey, type Candidate } from '../space/candidate.js';
import { Nsga2Strategy } from '../strategy/nsga2-strategy.js';
import { RandomStrategy } from '../strategy/random-strategy.js';
import { ReinforceStrategy } from '../strategy/reinforce-strategy.js';
import { runSearch } from '../strategy/run-search.js';
import type { SearchStrategy } from '../strategy/search-strategy.js';
import { initWasmBackend } from '../train/backend.js';
import { evaluateAccuracy, trainDense } from '../train/train-dense.js';

const CHECKPOINTS = [50, 100, 200];
const SEEDS = [1, 2, 3];
const CONFIG = {
  network: 'lenet-300-100',
  profile: 'stm32l476-m4f',
  mnist: { trainCount: 12000, valCount: 1000, testCount: 0, seed: 1 },
  training: { epochs: 2, batchSize: 64, learningRate: 0.002, seed: 1 },
  accuracyImages: 300,
  space: { modes: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98] },
  /** Accuracy floors per mode, in points below dense (no fine-tuning, so generous). */
  maxDrop: [2, 5, 10],
  lossWeights: [0.5, 0.3, 0.2],
  maxAccuracyDrop: 0.1,
  reinforce: { hidden: 8, learningRate: 0.1, baselineDecay: 0.8 },
  nsga2: { population: 20, crossoverRate: 0.9, mutations: 1 },
};

/** Memoises whole evaluations by candidate: the three strategies share one predictor. */
class MemoEvaluator implements Evaluator {
  private readonly memo = new Map<string, Evaluation>();
  constructor(private readonly inner: Evaluator, private readonly key: (c: Candidate) => string) {}
  async evaluate(c: Candidate, signal?: AbortSignal): Promise<Evaluation> {
    const k = this.key(c);
    let ev = this.memo.get(k);
    if (!ev) { ev = await this.inner.evaluate(c, signal); this.memo.set(k, ev); }
    return { ...ev, candidate: c };
  }
  get size(): number { return this.memo.size; }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));

export async function runHypervolumeBench(log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)) {
  await initWasmBackend();
  const started = Date.now();
  const data = await loadMnist(CONFIG.mnist);
  const spec = getNetworkSpec(CONFIG.network);
  const dense = await trainDense(spec, data, CONFIG.training);
  const trainS = (Date.now() - started) / 1000;
  const estimator = new MaskedMagnitudeEstimator({ dense, val: data.val, features: data.features, images: CONFIG.accuracyImages });
  const val500 = { images: data.val.images.subarray(0, CONFIG.accuracyImages * data.features), labels: data.val.labels.subarray(0, CONFIG.accuracyImages), count: CONFIG.accuracyImages };
  const denseAccuracy = evaluateAccuracy(dense, val500, data.features);
  const layers = dense.params.length;
  const space = new GenomeSpace({ modes: CONFIG.space.modes, layers, choices: CONFIG.space.choices });
  const analytic = new AnalyticEvaluator({ dense, dataset: data, modeNames: ['dense', 'mid', 'sparse'], profile: getProfile(CONFIG.profile), accuracyImages: CONFIG.accuracyImages, accuracy: estimator });
  const denseEval = await new AnalyticEvaluator({ dense, dataset: data, modeNames: ['dense'], profile: getProfile(CONFIG.profile), accuracyImages: 0, accuracy: estimator })
    .evaluate({ sparsity: [Array.from({ length: layers }, () => 0)] });
  const norm: Normalisation = { denseAccuracy, maxAccuracyDrop: CONFIG.maxAccuracyDrop, denseEnergyUj: denseEval.modes[0]!.energyUj, densePackageBytes: denseEval.packageBytes! };
  log(`dense ${CONFIG.network}: ${(denseAccuracy * 100).toFixed(1)} % on ${CONFIG.accuracyImages} validation images, trained in ${trainS.toFixed(0)} s; dense energy ${norm.denseEnergyUj.toFixed(1)} µJ, ${norm.densePackageBytes} bytes`);
  const evaluator = new MemoEvaluator(analytic, candidateKey);
  const score = (ev: Evaluation) => scoreEvaluation(ev, { denseAccuracy, maxDrop: CONFIG.maxDrop, lossWeights: CONFIG.lossWeights });
  const strategies: Record<string, (seed: number) => SearchStrategy> = {
    random: (seed) => new RandomStrategy(space, createRng(seed)),
    nsga2: (seed) => new Nsga2Strategy(space, createRng(seed), CONFIG.nsga2),
    reinforce: (seed) => new ReinforceStrategy(space, createRng(seed), CONFIG.reinforce),
  };
  const budget = Math.max(...CHECKPOINTS);
  const results: Record<string, { perSeed: number[][]; mean: number[]; spread: number[]; feasible: number[]; seconds: number }> = {};
  for (const [name, make] of Object.entries(strategies)) {
    const perSeed: number[][] = [];
    const feasible: number[] = [];
    const t0 = Date.now();
    for (const seed of SEEDS) {
      const strategy = make(seed);
      const r = await runSearch({ space, evaluator, budget, score, strategy });
      (strategy as { dispose?: () => void }).dispose?.();
      perSeed.push(CHECKPOINTS.map((n) => searchHypervolume(r.history.slice(0, n), norm)));
      feasible.push(r.history.filter((h) => h.score.feasible).length);
      log(`${name} seed ${seed}: hypervolume ${perSeed[perSeed.length - 1]!.map((v) => v.toFixed(4)).join(' / ')} (${CHECKPOINTS.join('/')} evaluations), ${evaluator.size} distinct candidates evaluated so far`);
    }
    results[name] = {
      perSeed,
      mean: CHECKPOINTS.map((_, i) => mean(perSeed.map((p) => p[i]!))),
      spread: CHECKPOINTS.map((_, i) => sd(perSeed.map((p) => p[i]!))),
      feasible,
      seconds: (Date.now() - t0) / 1000,
    };
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    config: CONFIG,
    referencePoint: REFERENCE_POINT,
    normalisation: norm,
    checkpoints: CHECKPOINTS,
    seeds: SEEDS,
    denseTrainingSeconds: trainS,
    distinctCandidates: evaluator.size,
    strategies: results,
    totalSeconds: (Date.now() - started) / 1000,
  };
}

function table(r: Awaited<ReturnType<typeof runHypervolumeBench>>): string {
  const rows = Object.entries(r.strategies).map(([name, s]) => `| ${name} | ${s.mean.map((m, i) => `${m.toFixed(4)} ± ${s.spread[i]!.toFixed(4)}`).join(' | ')} | ${s.feasible.join(', ')} | ${s.seconds.toFixed(0)} |`);
  return [
    `Hypervolume (mean ± sd over seeds ${r.seeds.join(', ')}; reference (1, 1, 1) in normalised objectives)`,
    `| strategy | ${r.checkpoints.map((c) => `HV@${c}`).join(' | ')} | feasible of ${Math.max(...r.checkpoints)} | seconds |`,
    `|---|${r.checkpoints.map(() => '---|').join('')}---|---|`,
    ...rows,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runHypervolumeBench();
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/search.json');
  await mkdir(dirname(out), { recursive: true });
  const existing = await readFile(out, 'utf8').then((s) => JSON.parse(s) as Record<string, unknown>, () => ({}));
  await writeFile(out, `${JSON.stringify({ ...existing, hypervolume: r }, null, 2)}\n`);
  process.stdout.write(`${table(r)}\n\nwritten to ${out}\n`);
}
