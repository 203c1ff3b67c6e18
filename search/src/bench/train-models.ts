/**
 * The trained models the runtime bench measures: LeNet-300-100 and LeNet-5 trained dense on MNIST
 * (TensorFlow.js, WASM), pruned to three nested modes with 1x4 block magnitude masks, fine-tuned
 * jointly, and written as .eve packages whose per-layer kernel formats the writer picks from the
 * device profile's cost model; plus each network dense and unpruned, and a 1,000-image test
 * subset. Everything follows from the seed and the config below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EveError, getProfile, MODELS_MANIFEST, MODELS_MANIFEST_VERSION, readPackage, writePackage,
  type BenchModelEntry, type BenchModelsManifest,
} from '@eve-bench/device-agent';
import type { Dataset } from '../data/dataset.js';
import { getNetworkSpec } from '../models/network-spec.js';
import { evaluateAccuracy, trainDense } from '../train/train-dense.js';
import { fineTuneJoint } from '../prune/fine-tune-joint.js';
import { nestedBlockMagnitudeKeep } from '../prune/nested-block-keep.js';
import { toModelSpec } from '../prune/to-model-spec.js';

export interface NetworkPlan {
  network: string;
  /** [mode][prunable layer] sparsity, densest mode first. */
  sparsity: number[][];
  epochs: number;
  fineTuneEpochs: number;
}

export interface ModelsConfig {
  seed: number;
  profile: string;
  trainCount: number;
  testCount: number;
  batchSize: number;
  learningRate: number;
  fineTuneLearningRate: number;
  /** Whole-network sparsity each mode must reach (the issue's >= 50 / 80 / 90 %). */
  minSparsity: number[];
  networks: NetworkPlan[];
}

/**
 * Small layers (the first conv, the 10-way output) are pruned less than the large ones: they hold
 * few weights but every path goes through them, so the whole network still reaches the targets.
 */
export const DEFAULT_MODELS_CONFIG: ModelsConfig = {
  seed: 1,
  profile: 'msp430fr5994',
  trainCount: 20_000,
  testCount: 1000,
  batchSize: 64,
  learningRate: 1e-3,
  fineTuneLearningRate: 5e-4,
  minSparsity: [0.5, 0.8, 0.9],
  networks: [
    { network: 'lenet-300-100', epochs: 3, fineTuneEpochs: 2, sparsity: [[0.52, 0.5, 0.3], [0.81, 0.8, 0.5], [0.91, 0.88, 0.6]] },
    { network: 'lenet-5', epochs: 2, fineTuneEpochs: 2, sparsity: [[0.2, 0.4, 0.6, 0.5, 0.2], [0.4, 0.7, 0.87, 0.8, 0.4], [0.5, 0.75, 0.95, 0.9, 0.6]] },
  ],
};

const MODE_NAMES = ['m50', 'm80', 'm90'];


export async function trainBenchModels(data: Dataset, outDir: string, c: ModelsConfig, say: (line: string) => void = () => {}): Promise<BenchModelsManifest> {
  const profile = getProfile(c.profile);
  mkdirSync(outDir, { recursive: true });
  const test = data.test;
  const networks: BenchModelEntry[] = [];
  for (const plan of c.networks) {
    const spec = getNetworkSpec(plan.network);
    const t0 = Date.now();
    const dense = await trainDense(spec, data, { epochs: plan.epochs, batchSize: c.batchSize, learningRate: c.learningRate, seed: c.seed });
    say(`${plan.network}: trained dense in ${((Date.now() - t0) / 1000).toFixed(0)} s, test accuracy ${(evaluateAccuracy(dense, test) * 100).toFixed(2)} %`);
    const keep = nestedBlockMagnitudeKeep(dense, plan.sparsity);
    const t1 = Date.now();
    const tuned = await fineTuneJoint(dense, keep, data, { epochs: plan.fineTuneEpochs, batchSize: c.batchSize, learningRate: c.fineTuneLearningRate, seed: c.seed + 1 });
    const tfjsAccuracy = plan.sparsity.map((_, m) => evaluateAccuracy(tuned, test, keep, m));
    say(`${plan.network}: joint fine-tuning ${((Date.now() - t1) / 1000).toFixed(0)} s, tfjs accuracy per mode ${tfjsAccuracy.map((a) => (a * 100).toFixed(2)).join(' / ')} %`);

    const modeNames = MODE_NAMES.slice(0, plan.sparsity.length);
    const shared = writePackage(toModelSpec(tuned, keep, { name: plan.network, modeNames }), { profile });
    const pkg = readPackage(shared);
    pkg.modes.forEach((m, k) => {
      if (m.sparsity < c.minSparsity[k]!) throw new EveError('MODELS_SPARSITY', `${plan.network} mode ${k}: sparsity ${m.sparsity.toFixed(3)} is below the target ${c.minSparsity[k]}`);
    });
    const formats = pkg.layers.flatMap((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? [l.format] : []));
    say(`${plan.network}: sparsity ${pkg.modes.map((m) => (m.sparsity * 100).toFixed(1)).join(' / ')} %, kernel formats ${formats.join(', ')} (${c.profile})`);
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
  const manifest: BenchModelsManifest = { version: MODELS_MANIFEST_VERSION, seed: c.seed, profile: c.profile, test: testFiles, networks, config: c };
  // the manifest last: its presence means the set is complete
  writeFileSync(join(outDir, MODELS_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
