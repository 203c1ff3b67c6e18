import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract, loadBenchModels } from '@eve-bench/device-agent';
import { initWasmBackend } from '../train/backend.js';
import { loadMnist } from '../data/mnist.js';
import type { Dataset } from '../data/dataset.js';
import { MODELS_REPORT, trainBenchModels, type ModelReport, type ModelsConfig } from './train-models.js';

// A few seconds' worth: the small MLP on 1,000 images; the real config is in DEFAULT_MODELS_CONFIG.
const config: ModelsConfig = {
  seed: 3, profile: 'msp430fr5994', trainCount: 1000, testCount: 300, valCount: 100, benchTestCount: 200,
  minSparsity: [0.5, 0.8, 0.9],
  networks: [{
    network: 'mlp-small', sparsity: [[0.52, 0.5, 0.3], [0.82, 0.8, 0.5], [0.92, 0.9, 0.5]],
    dense: { epochs: 1, batchSize: 64, learningRate: 2e-3 },
    prune: { epochs: 1, rampEpochs: 0.5, maskEvery: 2, batchSize: 64, learningRate: 1e-3, distill: { temperature: 4, alpha: 0.5 }, blocks: true },
  }],
};

let data: Dataset;
const dir = mkdtempSync(join(tmpdir(), 'eve-bench-models-'));
beforeAll(async () => {
  await initWasmBackend();
  data = await loadMnist({ trainCount: config.trainCount, valCount: config.valCount, testCount: config.testCount, seed: config.seed });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench models', () => {
  it('writes packages the runtime bench loads, whose modes meet the sparsity targets and run as tfjs predicted', async () => {
    await trainBenchModels(data, dir, config);
    const loaded = loadBenchModels(dir)!;
    expect(loaded.test.count).toBe(200);
    // the full-test report: every mode's accuracy on all 300 test images, its sparsity and MAC density
    const report = JSON.parse(readFileSync(join(dir, MODELS_REPORT), 'utf8')) as { networks: ModelReport[] };
    const r = report.networks[0]!;
    expect(r.testImages).toBe(300);
    // and on the held-out validation images recipes are compared on
    expect(r.valImages).toBe(100);
    expect(r.denseValAccuracy).toBeGreaterThan(0.1);
    r.modes.forEach((m) => {
      expect(m.valAccuracy).toBeGreaterThan(0.1);
      expect(m.valDropPoints).toBeCloseTo((r.denseValAccuracy! - m.valAccuracy!) * 100, 9);
    });
    expect(r.modes.map((m) => m.sparsity >= 0.5)).toEqual([true, true, true]);
    // an MLP's MACs are its weights: the two densities agree
    r.modes.forEach((m) => expect(m.macDensity).toBeCloseTo(1 - m.sparsity, 6));
    const n = loaded.networks[0]!;
    expect(n.shared.modes.map((m) => m.sparsity >= 0.5)).toEqual([true, true, true]);
    expect(n.shared.modes[2]!.sparsity).toBeGreaterThanOrEqual(0.9);
    // block masks on rows of 784 and 128 inputs: the MSP430 cost model picks block1x4 there
    expect(n.shared.layers.flatMap((l) => (l.kind === 'dense' ? [l.format] : [])).slice(0, 2)).toEqual(['block1x4', 'block1x4']);
    expect(n.dense.layers.flatMap((l) => (l.kind === 'dense' ? [l.format] : []))).toEqual(['dense', 'dense', 'dense']);
    // the runtime's accuracy of each mode is the one TensorFlow.js measured (same weights, same masks)
    for (let m = 0; m < 3; m++) {
      const model = extract(n.shared, m);
      let correct = 0;
      for (let i = 0; i < loaded.test.count; i++) {
        const out = model.runUint8(loaded.test.images.subarray(i * 784, (i + 1) * 784));
        let best = 0;
        for (let k = 1; k < out.length; k++) if (out[k]! > out[best]!) best = k;
        if (best === loaded.test.labels[i]) correct++;
      }
      expect(Math.abs(correct / loaded.test.count - n.tfjsAccuracy[m]!)).toBeLessThanOrEqual(0.01);
    }
  }, 120_000);

  it('refuses to write modes that miss the sparsity targets', async () => {
    const loose = { ...config, networks: [{ ...config.networks[0]!, sparsity: [[0.3, 0.3, 0.3], [0.8, 0.8, 0.5], [0.92, 0.9, 0.5]] }] };
    await expect(trainBenchModels(data, join(dir, 'loose'), loose)).rejects.toMatchObject({ code: 'MODELS_SPARSITY' });
  }, 120_000);
});
