import { describe, expect, it } from 'vitest';
import { estimateInference, extract, getProfile, readPackage, writePackage } from '@eve-bench/device-agent';
import { createRng } from '../rng/rng.js';
import { getNetworkSpec, prunableShapes } from '../models/network-spec.js';
import type { Dataset, Split } from '../data/dataset.js';
import type { TrainedModel } from '../train/trained-model.js';
import type { Candidate } from '../space/candidate.js';
import { candidateKeep } from '../prune/candidate-keep.js';
import { toModelSpec } from '../prune/to-model-spec.js';
import { AnalyticEvaluator } from './analytic-evaluator.js';

const rng = createRng(21);
const spec = getNetworkSpec('lenet-300-100');
const dense: TrainedModel = { spec, params: prunableShapes(spec).map((s) => ({ ...s, weights: Float32Array.from({ length: s.inFeatures * s.outFeatures }, () => rng.normal() * 0.05), bias: new Float32Array(s.outFeatures) })) };
const split = (n: number): Split => ({ images: Uint8Array.from({ length: n * 784 }, () => rng.int(256)), labels: Uint8Array.from({ length: n }, () => rng.int(10)), count: n });
const data: Dataset = { name: 'noise', features: 784, shape: [28, 28, 1], classes: 10, train: split(16), val: split(20), test: split(0) };
const profile = getProfile('msp430fr5994');
const evaluator = new AnalyticEvaluator({ dense, dataset: data, modeNames: ['a', 'b', 'c'], profile, accuracyImages: 20 });
const base: Candidate = { sparsity: [[0.5, 0.5, 0.2], [0.8, 0.7, 0.5], [0.9, 0.9, 0.5]] };

describe('AnalyticEvaluator over the full space', () => {
  it('prices the package the candidate ships as: its granularity\'s masks in its kernel formats', async () => {
    const c: Candidate = { ...base, granularity: ['block1x4', 'channel', 'unstructured'], kernel: ['sparse', 'sparse', 'dense'] };
    const ev = await evaluator.evaluate(c);
    const pkg = readPackage(writePackage(toModelSpec(dense, candidateKeep(dense, c), { name: 'x', modeNames: ['a', 'b', 'c'], format: ['block1x4', 'rowPrefixSparse', 'dense'] })));
    expect(pkg.layers.filter((l) => l.kind === 'dense').map((l) => (l as { format: string }).format)).toEqual(['block1x4', 'rowPrefixSparse', 'dense']);
    for (let m = 0; m < 3; m++) expect(ev.modes[m]!.energyUj).toBeCloseTo(estimateInference(profile, extract(pkg, m).ops, 784).energyJ * 1e6, 6);
    expect(ev.packageBytes).toBe(writePackage(toModelSpec(dense, candidateKeep(dense, c), { name: 'predicted', modeNames: ['a', 'b', 'c'], format: ['block1x4', 'rowPrefixSparse', 'dense'] })).length);
  });

  it('an int8 candidate is quantized and priced with int8 costs: smaller and cheaper than float32', async () => {
    const f = await evaluator.evaluate(base);
    const q = await evaluator.evaluate({ ...base, numberFormat: 'int8' });
    expect(q.packageBytes!).toBeLessThan(f.packageBytes! * 0.6);
    q.modes.forEach((m, k) => {
      expect(m.energyUj).toBeLessThan(f.modes[k]!.energyUj / 5); // the MSP430 runs float32 in software
      expect(m.accuracy).toBeGreaterThanOrEqual(0);
      expect(m.sparsity).toBeCloseTo(f.modes[k]!.sparsity, 9);
    });
    expect(evaluator.supports.numberFormats).toEqual(['float32', 'int8']);
  });

  it('refuses what cannot be built with the violated constraint named', async () => {
    await expect(evaluator.evaluate({ ...base, sparsity: [[0.5, 0.5, 0.2], [0.5, 0.5, 0.2], [0.9, 0.9, 0.5]] })).rejects.toMatchObject({ code: 'CANDIDATE_INFEASIBLE', constraint: 'distinct-modes' });
  });
});
