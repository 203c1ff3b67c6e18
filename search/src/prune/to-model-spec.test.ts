import { beforeAll, describe, expect, it } from 'vitest';
import { extract, readPackage, writePackage } from '@eve-bench/device-agent';
import { initWasmBackend } from '../train/backend.js';
import { evaluateAccuracy, trainDense } from '../train/train-dense.js';
import { loadMnist } from '../data/mnist.js';
import { getNetworkSpec } from '../models/network-spec.js';
import { nestedMagnitudeKeep } from './nested-keep.js';
import { toModelSpec } from './to-model-spec.js';
import { runtimeAccuracy } from '../evaluator/runtime-accuracy.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainedModel } from '../train/trained-model.js';

let data: Dataset;
let model: TrainedModel;

beforeAll(async () => {
  await initWasmBackend();
  data = await loadMnist({ trainCount: 1000, valCount: 10, testCount: 200, seed: 3 });
  model = await trainDense(getNetworkSpec('mlp-small'), data, { epochs: 1, batchSize: 64, learningRate: 0.003, seed: 3 });
}, 60_000);

describe('toModelSpec (search -> device-agent)', () => {
  it('exports row-major [out][in] weights that the device runtime runs exactly like TensorFlow.js, mode by mode', () => {
    const keep = nestedMagnitudeKeep(model, [[0.5, 0.4, 0.2], [0.8, 0.7, 0.4], [0.9, 0.85, 0.6]]);
    const spec = toModelSpec(model, keep, { name: 'mlp', modeNames: ['a', 'b', 'c'] });
    expect(spec.layers.map((l) => l.kind)).toEqual(['flatten', 'dense', 'relu', 'dense', 'relu', 'dense']);
    expect(spec.layers.filter((l) => 'format' in l).map((l) => (l as { format: string }).format)).toEqual(['rowPrefixSparse', 'rowPrefixSparse', 'rowPrefixSparse']);
    expect([spec.outputs, spec.modes.map((m) => m.name)]).toEqual([10, ['a', 'b', 'c']]);
    const pkg = readPackage(writePackage(spec));
    for (let m = 0; m < 3; m++) expect(runtimeAccuracy(pkg, m, data.test)).toBeCloseTo(evaluateAccuracy(model, data.test, data.features, keep, m), 2);
  });

  it('defaults the unpruned one-mode baseline to the dense format', () => {
    const keep = nestedMagnitudeKeep(model, [[0, 0, 0]]);
    const spec = toModelSpec(model, keep, { name: 'dense', modeNames: ['dense'] });
    expect(spec.layers.filter((l) => 'format' in l).every((l) => (l as { format: string }).format === 'dense')).toBe(true);
    const pkg = readPackage(writePackage(spec));
    expect(runtimeAccuracy(pkg, 0, data.test)).toBeCloseTo(evaluateAccuracy(model, data.test, data.features), 2);
    expect(extract(pkg, 0).outputLength).toBe(10);
  });

  it('refuses keep arrays that do not fit the model or the mode names', () => {
    const keep = nestedMagnitudeKeep(model, [[0.5, 0.5, 0.5], [0.8, 0.8, 0.8]]);
    expect(() => toModelSpec(model, keep.slice(1), { name: 'x', modeNames: ['a', 'b'] })).toThrow(/2 keep arrays for 3/);
    expect(() => toModelSpec(model, keep, { name: 'x', modeNames: ['a'] })).toThrow(/up to mode 1/);
    expect(() => toModelSpec(model, [keep[0]!.subarray(1), keep[1]!, keep[2]!], { name: 'x', modeNames: ['a', 'b'] })).toThrow(/keep entries/);
  });
});
