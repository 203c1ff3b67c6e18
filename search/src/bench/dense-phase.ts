/**
 * The dense-training phase of the search benchmark: full MNIST, checkpointed so an interrupted
 * benchmark resumes instead of starting over. The measured time and accuracy are kept next to
 * the checkpoint; a later run that finds the finished checkpoint reuses the model and reports the
 * time measured when it was trained.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EveError } from '@eve-bench/device-agent';
import type { Dataset } from '../data/dataset.js';
import { getNetworkSpec } from '../models/network-spec.js';
import { FileCheckpointStore } from '../train/checkpoint.js';
import { evaluateAccuracy, trainDense, type TrainOptions } from '../train/train-dense.js';
import type { TrainedModel } from '../train/trained-model.js';

// LeNet-5 stopped at 98.92 % after 8 epochs without augmentation; ±2 px shifts take it past 99 %.
export const DENSE_RECIPES: Record<string, Omit<TrainOptions, 'seed'>> = {
  'lenet-5': { epochs: 10, batchSize: 64, learningRate: 0.002, lrDecay: 0.75, augment: { maxShift: 2 } },
  'lenet-300-100': { epochs: 12, batchSize: 64, learningRate: 0.001, lrDecay: 0.8 },
};

export interface DenseFigures {
  network: string;
  epochs: number;
  trainImages: number;
  testAccuracy: number;
  trainSeconds: number;
  imagesPerSecond: number;
}

/**
 * The dense model of `network` trained by `recipe` (default: its DENSE_RECIPES entry), resumed
 * from or reused from `dir`. Files are named by the run's fingerprint, so the search benchmark and
 * the bench models share one training when their recipe, seed and data agree.
 */
export async function denseModel(
  network: string, data: Dataset, dir: string, seed: number, log: (s: string) => void, recipe: Omit<TrainOptions, 'seed'> = DENSE_RECIPES[network]!,
): Promise<{ model: TrainedModel; figures: DenseFigures }> {
  if (!recipe) throw new EveError('NETWORK_UNKNOWN', `no dense training recipe for '${network}'`);
  const spec = getNetworkSpec(network);
  const fingerprint = `${network}/seed ${seed}/${JSON.stringify(recipe)}/${data.train.count}`;
  const tag = createHash('sha256').update(fingerprint).digest('hex').slice(0, 10);
  const figuresFile = join(dir, `dense-${network}-${tag}.json`);
  const options: TrainOptions = {
    ...recipe, seed,
    checkpoint: { store: new FileCheckpointStore(join(dir, `dense-${network}-${tag}.ckpt.json`)), everyBatches: 200, fingerprint },
    onProgress: (p) => { if (p.batch === p.batches) log(`${network}: epoch ${p.epoch + 1}/${recipe.epochs} loss ${p.loss.toFixed(4)}`); },
  };
  const previous = existsSync(figuresFile) ? (JSON.parse(readFileSync(figuresFile, 'utf8')) as DenseFigures & { fingerprint: string }) : null;
  const t0 = performance.now();
  const model = await trainDense(spec, data, options);
  const seconds = (performance.now() - t0) / 1000;
  if (previous?.fingerprint === fingerprint) return { model, figures: previous };
  const figures: DenseFigures = {
    network, epochs: recipe.epochs, trainImages: data.train.count,
    testAccuracy: evaluateAccuracy(model, data.test),
    trainSeconds: seconds,
    imagesPerSecond: (recipe.epochs * data.train.count) / seconds,
  };
  writeFileSync(figuresFile, JSON.stringify({ ...figures, fingerprint }, null, 2));
  return { model, figures };
}
