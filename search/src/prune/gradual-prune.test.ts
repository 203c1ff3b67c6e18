import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../train/backend.js';
import { FileCheckpointStore } from '../train/checkpoint.js';
import { evaluateAccuracy, trainDense } from '../train/train-dense.js';
import { loadMnist } from '../data/mnist.js';
import { getNetworkSpec } from '../models/network-spec.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainedModel } from '../train/trained-model.js';
import { gradualNestedPrune, rampFraction, type GradualPruneOptions } from './gradual-prune.js';
import { modeDensities } from './mac-density.js';
import { fineTuneJoint } from './fine-tune-joint.js';
import { nestedMagnitudeKeep } from './nested-keep.js';

let data: Dataset;
let dense: TrainedModel;
const dir = mkdtempSync(join(tmpdir(), 'eve-gradual-'));
const target = [[0.5, 0.5, 0.2], [0.8, 0.8, 0.4], [0.9, 0.9, 0.6]];
// 10 batches an epoch; the ramp ends after 15 steps, masks every 4 steps
const base: GradualPruneOptions = { epochs: 2, rampEpochs: 1.5, maskEvery: 4, batchSize: 64, learningRate: 0.001, seed: 5, distill: { temperature: 4, alpha: 0.5 } };

beforeAll(async () => {
  await initWasmBackend();
  data = await loadMnist({ trainCount: 640, valCount: 0, testCount: 300, seed: 2 });
  dense = await trainDense(getNetworkSpec('mlp-small'), data, { epochs: 2, batchSize: 64, learningRate: 0.003, seed: 2 });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rampFraction', () => {
  it('rises as a cubic from 0 to 1 and stays there', () => {
    expect(rampFraction(0, 100)).toBe(0);
    expect(rampFraction(50, 100)).toBeCloseTo(0.875);
    expect(rampFraction(100, 100)).toBe(1);
    expect(rampFraction(150, 100)).toBe(1);
  });
});

describe('gradualNestedPrune', () => {
  it('ends at the target sparsities with nested masks, zeros outside the densest mode, and usable modes', async () => {
    const { model, keep } = await gradualNestedPrune(dense, target, data, base);
    const d = modeDensities(model, keep, 3);
    d.forEach((m, k) => m.layers.forEach((density, l) => expect(density).toBeCloseTo(1 - target[k]![l]!, 2)));
    model.params.forEach((p, l) => p.weights.forEach((w, i) => { if (keep[l]![i] === -1) expect(Math.abs(w)).toBe(0); }));
    const acc = [0, 1, 2].map((m) => evaluateAccuracy(model, data.test, keep, m));
    expect(acc[2]!).toBeGreaterThan(0.5); // 10 classes: well above chance after 20 steps on 640 images
  }, 60_000);

  it('a run killed mid-ramp and resumed from its checkpoint ends with the masks and weights of an uninterrupted run', async () => {
    const straight = await gradualNestedPrune(dense, target, data, base);
    const store = new FileCheckpointStore(join(dir, 'gradual.ckpt.json'));
    const checkpoint = { store, everyBatches: 3, fingerprint: 'gradual test' };
    const ac = new AbortController();
    let seen = 0;
    // progress comes after batches 1 and 10 of each epoch: the third report is in epoch 2, mid-ramp
    await expect(gradualNestedPrune(dense, target, data, { ...base, checkpoint, signal: ac.signal, onProgress: () => { if (++seen === 3) ac.abort(new Error('killed')); } })).rejects.toThrow('killed');
    const saved = await store.load();
    expect(saved!.epoch).toBe(1);
    expect(saved!.extra).toHaveLength(3);
    const resumed = await gradualNestedPrune(dense, target, data, { ...base, checkpoint });
    resumed.keep.forEach((k, l) => expect(Array.from(k)).toEqual(Array.from(straight.keep[l]!)));
    resumed.model.params.forEach((p, l) => {
      let diff = 0;
      p.weights.forEach((w, i) => { diff = Math.max(diff, Math.abs(w - straight.model.params[l]!.weights[i]!)); });
      expect(diff).toBeLessThan(1e-4);
    });
  }, 60_000);

  it('rejects a ramp longer than the run and a bad distillation setting, naming the field', async () => {
    await expect(gradualNestedPrune(dense, target, data, { ...base, rampEpochs: 3 })).rejects.toMatchObject({ code: 'PRUNE_INVALID' });
    await expect(gradualNestedPrune(dense, target, data, { ...base, distill: { temperature: 4, alpha: 2 } })).rejects.toThrow(/alpha/);
    // joint fine-tuning can distil too, but only from a teacher it is given
    const keep = nestedMagnitudeKeep(dense, target);
    await expect(fineTuneJoint(dense, keep, data, { epochs: 1, batchSize: 64, learningRate: 0.001, seed: 1, distill: { temperature: 4, alpha: 0.5 } })).rejects.toMatchObject({ code: 'DISTILL_INVALID' });
  });
});
