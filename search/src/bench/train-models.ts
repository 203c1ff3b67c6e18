/**
 * The trained models the runtime bench measures: LeNet-5 and LeNet-300-100 trained dense on full
 * MNIST (TensorFlow.js, WASM; the same checkpointed training as the search benchmark's), pruned
 * gradually to three nested modes with distillation (prune/gradual-prune.ts), and written as .eve
 * packages whose per-layer kernel formats the writer picks from the device profile's cost model;
 * plus each network dense and unpruned, a 1,000-image test subset for the runtime bench, and a
 * report of every mode's accuracy on the full test set, sparsity and MAC density. Everything
 * follows from the seed and the config below; a killed run resumes from its checkpoints.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EveError, getProfile, MODELS_MANIFEST, MODELS_MANIFEST_VERSION, readPackage, writePackage,
  type BenchModelEntry, type BenchModelsManifest,
} from '@eve-bench/device-agent';
import type { Dataset } from '../data/dataset.js';
import { FileCheckpointStore } from '../train/checkpoint.js';
import { evaluateAccuracy, type TrainOptions } from '../train/train-dense.js';
import { gradualNestedPrune, type GradualPruneOptions } from '../prune/gradual-prune.js';
import { modeDensities } from '../prune/mac-density.js';
import { toModelSpec } from '../prune/to-model-spec.js';
import { DENSE_RECIPES, denseModel } from './dense-phase.js';

export interface NetworkPlan {
  network: string;
  /** [mode][prunable layer] sparsity, densest mode first. */
  sparsity: number[][];
  dense: Omit<TrainOptions, 'seed'>;
  prune: Omit<GradualPruneOptions, 'seed'>;
}

export interface ModelsConfig {
  seed: number;
  profile: string;
  trainCount: number;
  /** Test images the accuracies are measured on (the full MNIST test set: 10,000). */
  testCount: number;
  /**
   * Held-out training images (never trained on) every mode is also measured on: recipes are
   * compared on these, so the test set stays for the reported figures.
   */
  valCount: number;
  /** The first this many test images are written for the runtime bench. */
  benchTestCount: number;
  /** Whole-network sparsity each mode must reach: the search issue's >= 50 / 80 / 92 % (the runtime issue asks >= 90 % of the last). */
  minSparsity: number[];
  networks: NetworkPlan[];
}

/**
 * LeNet-5's convolutions do 85 % of its multiply-accumulates, so they are pruned nearly as hard as
 * the fully-connected layers (a mode is only as fast as its MAC density); the first conv and the
 * 10-way output, which every path goes through, a little less. Sparsity is reached gradually with
 * distillation from the dense model; the sparsest mode weighs half. Recipes are compared on 5,000
 * held-out training images (`valCount`), never on the test set: recipe C (12 epochs, ramp 5, mode
 * 2 at conv1/conv2/fc1 85/93/94 %) lost 0.10 / 0.54 / 0.98 points there; C over 20 epochs (ramp 8,
 * lr × 0.85/epoch: E1) 0.06 / 0.48 / 0.76; C with mode 2's convolutions denser (80/90 %) and fc1
 * sparser (95 %) (E2) 0.12 / 0.34 / 0.72; both changes (E3) 0.04 / 0.32 / 0.70, at a
 * sparsest-mode MAC density of 12.6 % instead of 9.7 %, which left LeNet-5's int8 speedup at
 * 2.45-2.54x. So mode 0's convolutions are pruned harder (60/70 %, MAC density 35 % instead of
 * 43.5 %: E4, this config), adopted by a rule set before it ran (modes 0 and 1 within 0.5 on
 * validation, mode 2 within 0.1 of E3's): 0.08 / 0.44 / 0.70. BENCHMARKS.md has each recipe.
 */
export const DEFAULT_MODELS_CONFIG: ModelsConfig = {
  seed: 1,
  profile: 'msp430fr5994',
  trainCount: 55_000,
  testCount: 10_000,
  valCount: 5000,
  benchTestCount: 1000,
  minSparsity: [0.5, 0.8, 0.92],
  networks: [
    {
      network: 'lenet-5',
      sparsity: [[0.6, 0.7, 0.6, 0.5, 0.2], [0.75, 0.86, 0.9, 0.8, 0.4], [0.8, 0.9, 0.95, 0.9, 0.6]],
      dense: DENSE_RECIPES['lenet-5']!,
      prune: {
        epochs: 20, rampEpochs: 8, maskEvery: 50, batchSize: 64, learningRate: 1e-3, lrDecay: 0.85, lossWeights: [0.25, 0.25, 0.5],
        distill: { temperature: 4, alpha: 0.7 }, augment: { maxShift: 2 },
      },
    },
    {
      network: 'lenet-300-100',
      sparsity: [[0.55, 0.5, 0.3], [0.82, 0.8, 0.5], [0.93, 0.9, 0.6]],
      dense: DENSE_RECIPES['lenet-300-100']!,
      prune: { epochs: 6, rampEpochs: 4, maskEvery: 50, batchSize: 64, learningRate: 1e-3, lrDecay: 0.8, distill: { temperature: 4, alpha: 0.7 }, blocks: true },
    },
  ],
};

const MODE_NAMES = ['m50', 'm80', 'm90'];

export interface ModelReport {
  network: string;
  denseTestAccuracy: number;
  /** On the validation images (null without a validation split). */
  denseValAccuracy: number | null;
  denseSeconds: number;
  pruneSeconds: number;
  testImages: number;
  valImages: number;
  modes: Array<{ sparsity: number; testAccuracy: number; dropPoints: number; valAccuracy: number | null; valDropPoints: number | null; macDensity: number; layerDensity: number[] }>;
}

/** Where runs keep their checkpoints: a killed `npm run models` resumes from them. */
function fingerprintTag(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 10);
}

export async function trainBenchModels(
  data: Dataset, outDir: string, c: ModelsConfig, say: (line: string) => void = () => {}, workDir = join(outDir, 'work'),
): Promise<BenchModelsManifest> {
  const profile = getProfile(c.profile);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(workDir, { recursive: true });
  const benchCount = Math.min(c.benchTestCount, data.test.count);
  const test = { images: data.test.images.subarray(0, benchCount * data.features), labels: data.test.labels.subarray(0, benchCount), count: benchCount };
  const networks: BenchModelEntry[] = [];
  const reports: ModelReport[] = [];
  for (const plan of c.networks) {
    const t0 = Date.now();
    const { model: dense, figures } = await denseModel(plan.network, data, workDir, c.seed, say, plan.dense);
    say(`${plan.network}: dense in ${((Date.now() - t0) / 1000).toFixed(0)} s, test accuracy ${(figures.testAccuracy * 100).toFixed(2)} % on ${data.test.count}`);
    const fingerprint = `${plan.network}/seed ${c.seed}/${JSON.stringify(plan)}/${data.train.count}`;
    const t1 = Date.now();
    const { model: tuned, keep } = await gradualNestedPrune(dense, plan.sparsity, data, {
      ...plan.prune, seed: c.seed + 1,
      checkpoint: { store: new FileCheckpointStore(join(workDir, `prune-${plan.network}-${fingerprintTag(fingerprint)}.ckpt.json`)), everyBatches: 200, fingerprint },
      onProgress: (p) => { if (p.batch === p.batches) say(`${plan.network}: pruning epoch ${p.epoch + 1}/${plan.prune.epochs} loss ${p.loss.toFixed(4)}`); },
    });
    const pruneSeconds = (Date.now() - t1) / 1000;
    const densities = modeDensities(tuned, keep, plan.sparsity.length);
    const full = plan.sparsity.map((_, m) => evaluateAccuracy(tuned, data.test, keep, m));
    const tfjsAccuracy = plan.sparsity.map((_, m) => evaluateAccuracy(tuned, test, keep, m));
    const hasVal = data.val.count > 0;
    const denseVal = hasVal ? evaluateAccuracy(dense, data.val) : null;
    const val = plan.sparsity.map((_, m) => (hasVal ? evaluateAccuracy(tuned, data.val, keep, m) : null));
    reports.push({
      network: plan.network, denseTestAccuracy: figures.testAccuracy, denseValAccuracy: denseVal, denseSeconds: figures.trainSeconds, pruneSeconds,
      testImages: data.test.count, valImages: data.val.count,
      modes: densities.map((d, m) => ({
        sparsity: 1 - d.weightDensity, testAccuracy: full[m]!, dropPoints: (figures.testAccuracy - full[m]!) * 100,
        valAccuracy: val[m]!, valDropPoints: denseVal === null ? null : (denseVal - val[m]!) * 100,
        macDensity: d.macDensity, layerDensity: d.layers,
      })),
    });
    const pct = (a: number | null) => (a === null ? 'n/a' : `${(a * 100).toFixed(2)} %`);
    say(`${plan.network}: gradual pruning ${pruneSeconds.toFixed(0)} s; dense validation ${pct(denseVal)}; per mode: ${densities.map((d, m) => `sparsity ${((1 - d.weightDensity) * 100).toFixed(1)} %, MAC density ${(d.macDensity * 100).toFixed(1)} %, validation ${pct(val[m]!)}, test ${(full[m]! * 100).toFixed(2)} %`).join(' | ')}`);

    const modeNames = MODE_NAMES.slice(0, plan.sparsity.length);
    const shared = writePackage(toModelSpec(tuned, keep, { name: plan.network, modeNames }), { profile });
    const pkg = readPackage(shared);
    pkg.modes.forEach((m, k) => {
      if (m.sparsity < c.minSparsity[k]!) throw new EveError('MODELS_SPARSITY', `${plan.network} mode ${k}: sparsity ${m.sparsity.toFixed(3)} is below the target ${c.minSparsity[k]}`);
    });
    const formats = pkg.layers.flatMap((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? [l.format] : []));
    say(`${plan.network}: package sparsity ${pkg.modes.map((m) => (m.sparsity * 100).toFixed(1)).join(' / ')} %, kernel formats ${formats.join(', ')} (${c.profile})`);
    const denseKeep = dense.params.map((p) => new Int8Array(p.weights.length)); // every weight kept by the one mode
    const densePkg = writePackage(toModelSpec(dense, denseKeep, { name: `${plan.network}-dense`, modeNames: ['dense'] }), { profile });
    const entry = { network: plan.network, package: `${plan.network}.eve`, densePackage: `${plan.network}-dense.eve`, tfjsAccuracy };
    writeFileSync(join(outDir, entry.package), shared);
    writeFileSync(join(outDir, entry.densePackage), densePkg);
    networks.push(entry);
  }
  const testFiles = { images: `mnist-test-${test.count}.images.u8`, labels: `mnist-test-${test.count}.labels.u8`, count: test.count, features: data.features };
  writeFileSync(join(outDir, testFiles.images), test.images);
  writeFileSync(join(outDir, testFiles.labels), test.labels);
  writeFileSync(join(outDir, MODELS_REPORT), JSON.stringify({ measuredAt: new Date().toISOString(), networks: reports }, null, 2) + '\n');
  const manifest: BenchModelsManifest = { version: MODELS_MANIFEST_VERSION, seed: c.seed, profile: c.profile, test: testFiles, networks, config: c };
  // the manifest last: its presence means the set is complete
  writeFileSync(join(outDir, MODELS_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Per network: full-test accuracy, sparsity and MAC density of every mode (the issue 4 figures). */
export const MODELS_REPORT = 'models-report.json';
