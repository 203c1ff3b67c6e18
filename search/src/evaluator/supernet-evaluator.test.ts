import { beforeAll, describe, expect, it } from 'vitest';
import { getProfile } from '@eve-bench/device-agent';
import { createRng } from '../rng/rng.js';
import { getNetworkSpec, prunableShapes } from '../models/network-spec.js';
import type { Split } from '../data/dataset.js';
import type { TrainedModel } from '../train/trained-model.js';
import { initWasmBackend } from '../train/backend.js';
import { evaluateAccuracy } from '../train/train-dense.js';
import { magnitudeRanks } from '../supernet/sandwich.js';
import { SupernetAccuracyEstimator } from '../supernet/supernet-estimator.js';
import { nestedChannelKeepLayer } from '../prune/nested-channel-keep.js';
import type { Candidate } from '../space/candidate.js';
import { SupernetEvaluator } from './supernet-evaluator.js';

const rng = createRng(31);
const spec = getNetworkSpec('mlp-small');
const model: TrainedModel = { spec, params: prunableShapes(spec).map((s) => ({ ...s, weights: Float32Array.from({ length: s.inFeatures * s.outFeatures }, () => rng.normal() * 0.05), bias: new Float32Array(s.outFeatures) })) };
const split = (n: number): Split => ({ images: Uint8Array.from({ length: n * 784 }, () => rng.int(256)), labels: Uint8Array.from({ length: n }, () => rng.int(10)), count: n });
const val = split(30);
const supernet = { model, ranks: magnitudeRanks(model) };
const estimator = new SupernetAccuracyEstimator(supernet, val, 30);
const profile = getProfile('stm32l476-m4f');
const full = new SupernetEvaluator(supernet, estimator, profile, ['a', 'b'], { val, accuracyImages: 30, calibration: [val.images.subarray(0, 784)] });
const base: Candidate = { sparsity: [[0.5, 0.5, 0.3], [0.8, 0.7, 0.5]] };

beforeAll(async () => { await initWasmBackend(); });

describe('SupernetEvaluator over the full space', () => {
  it('scores a plain candidate with the rank estimator, a channel-pruned one with its own masks', async () => {
    expect((await full.evaluate(base)).modes.map((m) => m.accuracy)).toEqual(estimator.estimateNow(base));
    const channel: Candidate = { ...base, granularity: ['unstructured', 'channel', 'unstructured'] };
    const keep = full.keep(channel);
    expect([...keep[1]!]).toEqual([...nestedChannelKeepLayer(model.params[1]!, [0.5, 0.7])]);
    expect([...keep[0]!]).toEqual([...estimator.keep(base)[0]!]);
    const ev = await full.evaluate(channel);
    expect(ev.modes.map((m) => m.accuracy)).toEqual([0, 1].map((k) => evaluateAccuracy(model, val, keep, k)));
  });

  it('prices an int8 candidate as int8 and supports int8 only when it can calibrate and measure it', async () => {
    const f = await full.evaluate(base);
    const q = await full.evaluate({ ...base, numberFormat: 'int8' });
    expect(q.packageBytes!).toBeLessThan(f.packageBytes!);
    expect(q.modes[1]!.energyUj).toBeLessThan(f.modes[1]!.energyUj);
    expect(full.supports.numberFormats).toEqual(['float32', 'int8']);
    const bare = new SupernetEvaluator(supernet, estimator, profile, ['a', 'b']);
    expect(bare.supports.numberFormats).toEqual(['float32']);
    await expect(bare.evaluate({ ...base, granularity: ['block1x4', 'unstructured', 'unstructured'] })).rejects.toMatchObject({ code: 'EVALUATOR_OPTIONS' });
  });
});
