/**
 * `eve search` end to end, as a library: dense training, sandwich supernet, a journaled search on
 * the supernet (predicted costs), joint fine-tuning of the winners, packages and reports. Every
 * stage is durable — training stages checkpoint, the search journals each evaluation — so a run
 * killed at any point and started again with `resume` continues where it stopped.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EveError, getProfile } from '@eve-bench/device-agent';
import type { Dataset } from '../data/dataset.js';
import { getNetworkSpec, type NetworkSpec } from '../models/network-spec.js';
import { createRng } from '../rng/rng.js';
import { runSearch } from '../strategy/run-search.js';
import { decodeGenome } from '../space/decode.js';
import { numberFormatOf } from '../space/candidate.js';
import { networkGeometry } from '../space/network-geometry.js';
import { runtimeAccuracy } from '../evaluator/runtime-accuracy.js';
import { candidatePackage, splitInputs } from '../evaluator/candidate-package.js';
import { decodeContext, makeScore, makeSpace, makeStrategy, type DeviceBudget, type SearchStageOptions } from './search-setup.js';
import { SearchJournal } from '../journal/search-journal.js';
import { FileCheckpointStore } from '../train/checkpoint.js';
import { evaluateAccuracy, trainDense } from '../train/train-dense.js';
import { trainSandwich } from '../supernet/sandwich.js';
import { SupernetAccuracyEstimator } from '../supernet/supernet-estimator.js';
import { packageCosts, SupernetEvaluator } from '../evaluator/supernet-evaluator.js';
import { fineTuneJoint, defaultLossWeights } from '../prune/fine-tune-joint.js';
import { gradualNestedPrune } from '../prune/gradual-prune.js';
import type { Distill } from '../train/distill.js';
import type { Augment } from '../train/augment.js';
import { granularityOf } from '../space/candidate.js';
import { paretoFront } from './pareto.js';
import type { TrainedModel } from '../train/trained-model.js';
import { summarise, type SearchReport, type WinnerReport } from './report.js';

export interface TrainStage { epochs: number; batchSize: number; learningRate: number; lrDecay?: number; trainCount?: number }

export interface SearchPipelineOptions {
  dataset: Dataset;
  /** A built-in network name or a spec. */
  network: string | NetworkSpec;
  seed: number;
  profile: string;
  dense: TrainStage;
  /** `distill`: every sandwich configuration also learns from the dense model's softened outputs. */
  supernet: TrainStage & { randomConfigs: number; distill?: Distill };
  search: SearchStageOptions;
  /** Memory budgets and deadline the decoder checks (defaults: the profile's memory, 1 s). */
  device?: DeviceBudget;
  /**
   * `distill`: the modes learn from the dense model too. `gradual`: instead of fine-tuning under
   * the supernet's masks, prune the supernet's weights to the winner's sparsities gradually
   * (prune/gradual-prune.ts); the masks are then re-derived from magnitudes as the ramp goes.
   * Gradual pruning derives per-weight masks, so it applies to winners whose layers are all
   * pruned unstructured; block- or channel-pruned winners are fine-tuned jointly. `augment`:
   * random pixel shifts of the training images (image data only).
   */
  fineTune: TrainStage & { winners: number; lossWeights?: number[]; distill?: Distill; gradual?: { rampEpochs: number; maskEvery: number }; augment?: Augment };
  outDir: string;
  resume: boolean;
  /** Identifies the run: a resumed run must present the same fingerprint. */
  fingerprint: string;
  log(line: string): void;
  signal?: AbortSignal;
  /** A dense model trained elsewhere (the benchmark's): skips the dense stage. */
  pretrained?: TrainedModel;
}

const ckpt = (o: SearchPipelineOptions, name: string, fingerprint: string) => ({ store: new FileCheckpointStore(join(o.outDir, `${name}.ckpt.json`)), everyBatches: 100, fingerprint: `${o.fingerprint}/${fingerprint}` });
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

export async function runSearchPipeline(o: SearchPipelineOptions): Promise<SearchReport> {
  const t0 = performance.now();
  const spec = typeof o.network === 'string' ? getNetworkSpec(o.network) : o.network;
  const d = o.dataset;
  if (spec.input.join('x') !== d.shape.join('x') || spec.classes !== d.classes) {
    throw new EveError('SPEC_MISMATCH', `network ${spec.name} takes ${spec.input.join('x')} inputs and ${spec.classes} classes; the data has ${d.shape.join('x')} and ${d.classes}`);
  }
  const modeNames = Array.from({ length: o.search.modes }, (_, m) => `mode${m}`);
  const profile = getProfile(o.profile);
  // the space first: a bad one (e.g. sparsity caps for the wrong number of layers) fails before any training
  const geometry = networkGeometry(spec);
  const space = makeSpace(o.search, geometry);
  // the journal is opened first so a fresh run refuses an existing output before training anything
  const journal = SearchJournal.open(join(o.outDir, 'journal.jsonl'), o.fingerprint, o.resume);
  try {
    const progress = (stage: string) => (p: { epoch: number; batch: number; batches: number; loss: number }) => o.log(`${stage}: epoch ${p.epoch + 1} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}`);
    const sub = (n: number | undefined) => (n === undefined || n >= d.train.count ? d : { ...d, train: { images: d.train.images.subarray(0, n * d.features), labels: d.train.labels.subarray(0, n), count: n } });

    o.log(`dense: training ${spec.name} on ${Math.min(o.dense.trainCount ?? Infinity, d.train.count)} examples`);
    const tDense = performance.now();
    const dense = o.pretrained ?? await trainDense(spec, sub(o.dense.trainCount), { ...o.dense, seed: o.seed, signal: o.signal, onProgress: progress('dense'), checkpoint: ckpt(o, 'dense', 'dense') });
    const denseSeconds = (performance.now() - tDense) / 1000;
    const estimatorSplit = { ...d.val, count: Math.min(o.search.accuracyImages, d.val.count) };
    const denseVal = evaluateAccuracy(dense, { images: d.val.images.subarray(0, estimatorSplit.count * d.features), labels: d.val.labels.subarray(0, estimatorSplit.count), count: estimatorSplit.count });
    const denseTest = evaluateAccuracy(dense, d.test);
    o.log(`dense: validation ${pct(denseVal)}, test ${pct(denseTest)}`);

    o.log('supernet: sandwich training over nested sparsities');
    const tSuper = performance.now();
    const supernet = await trainSandwich(dense, d, { ...o.supernet, seed: o.seed, choices: o.search.choices, sparsityCaps: o.search.space?.sparsityCaps, signal: o.signal, onProgress: progress('supernet'), checkpoint: ckpt(o, 'supernet', 'supernet') });
    const supernetSeconds = (performance.now() - tSuper) / 1000;

    const calibration = splitInputs(d.train, 16);
    const estimator = new SupernetAccuracyEstimator(supernet, d.val, o.search.accuracyImages);
    const evaluator = new SupernetEvaluator(supernet, estimator, profile, modeNames, { val: d.val, accuracyImages: o.search.accuracyImages, calibration });
    const lossWeights = o.fineTune.lossWeights ?? defaultLossWeights(o.search.modes);
    const device = o.device ?? {};
    const score = makeScore(o.search, { denseAccuracy: denseVal, maxDrop: o.search.maxDrop, lossWeights }, profile, device, geometry);
    const decoding = decodeContext(geometry, profile, device, evaluator.supports, o.search.sparsityFloors);
    const strategy = makeStrategy(o.search.strategy, space, createRng(o.seed), o.search.budget, decoding);
    if (journal.records.length > 0) o.log(`search: resuming after ${journal.records.length} journaled evaluations`);
    const tSearch = performance.now();
    const result = await runSearch({
      space, strategy, evaluator, budget: o.search.budget, score, journal, signal: o.signal, decode: (g) => decodeGenome(space, g, decoding),
      onEvaluated: (ev, s, i) => o.log(`search: [${i + 1}/${o.search.budget}] ${s.feasible ? `score ${s.value.toExponential(3)}` : `infeasible (${s.violated})`}${ev.modes.length > 0 ? `; accuracy ${ev.modes.map((m) => pct(m.accuracy)).join(' / ')}` : ''}`),
    });
    const searchSeconds = (performance.now() - tSearch) / 1000;

    const evals = result.history.map((h) => h.evaluation);
    const feasible = result.history.flatMap((h, i) => (h.score.feasible ? [i] : []));
    // when nothing was feasible, the evaluated ones (a decoder rejection has no costs to compare)
    const pool = feasible.length > 0 ? feasible : result.history.flatMap((h, i) => (h.evaluation.modes.length > 0 ? [i] : []));
    const front = paretoFront(pool.map((i) => evals[i]!)).map((k) => pool[k]!);
    // fine-tune the best-scoring members of the front (the winner first)
    // infeasible candidates (when nothing was feasible) rank by how close they came to feasibility
    const rank = (i: number) => { const s = result.history[i]!.score; return s.feasible ? 1e6 + s.value : s.margin; };
    const chosen = [...front].sort((a, b) => rank(b) - rank(a)).slice(0, o.fineTune.winners);
    const winners: WinnerReport[] = [];
    const tTune = performance.now();
    for (const [place, index] of chosen.entries()) {
      const candidate = evals[index]!.candidate;
      const unstructured = candidate.sparsity[0]!.every((_, l) => granularityOf(candidate, l) === 'unstructured');
      o.log(`fine-tune: front member ${place + 1}/${chosen.length} (evaluation ${index})`);
      const common = { ...o.fineTune, lossWeights, seed: o.seed + place, signal: o.signal, onProgress: progress(`fine-tune ${place + 1}`), checkpoint: ckpt(o, `finetune-${place}`, `finetune ${index}`), teacher: dense };
      const { model: tuned, keep } = o.fineTune.gradual && unstructured
        ? await gradualNestedPrune(supernet.model, candidate.sparsity, sub(o.fineTune.trainCount), { ...common, ...o.fineTune.gradual })
        : { model: await fineTuneJoint(supernet.model, evaluator.keep(candidate), sub(o.fineTune.trainCount), common), keep: evaluator.keep(candidate) };
      const file = `front-${place}.eve`;
      const { bytes } = candidatePackage(tuned, candidate, { name: `${spec.name}-front-${place}`, modeNames, keep, calibration });
      await writeFile(join(o.outDir, file), bytes);
      const costs = packageCosts(tuned, candidate, keep, profile, modeNames, calibration);
      const int8 = numberFormatOf(candidate) === 'int8';
      winners.push({
        evaluation: index, file, packageBytes: bytes.length,
        modes: costs.modes.map((m, k) => ({ ...m, accuracy: int8 ? runtimeAccuracy(costs.pkg, k, d.test) : evaluateAccuracy(tuned, d.test, keep, k), costSource: 'predicted' as const })),
      });
    }
    const fineTuneSeconds = (performance.now() - tTune) / 1000;
    const report: SearchReport = {
      network: spec.name, dataset: d.name, seed: o.seed, profile: o.profile,
      dense: { valAccuracy: denseVal, testAccuracy: denseTest },
      seconds: { dense: denseSeconds, supernet: supernetSeconds, search: searchSeconds, fineTune: fineTuneSeconds, total: (performance.now() - t0) / 1000 },
      evaluations: result.history.map((h, i) => ({ index: i, candidate: h.evaluation.candidate, modes: h.evaluation.modes, packageBytes: h.evaluation.packageBytes, costSource: h.evaluation.costSource, accuracySource: 'supernet', score: h.score, ...(h.evaluation.rejected ? { rejected: h.evaluation.rejected } : {}) })),
      front, winner: winners[0] ?? null, frontPackages: winners,
    };
    await writeFile(join(o.outDir, 'search.json'), JSON.stringify(report, null, 2));
    await writeFile(join(o.outDir, 'summary.txt'), summarise(report));
    return report;
  } finally {
    journal.close();
  }
}
