import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initWasmBackend } from './backend.js';
import { conv2dValid, conv2dValidDataInput } from './conv-grad.js';
import { createRng } from '../rng/rng.js';
import { evaluateAccuracy, trainDense } from './train-dense.js';
import { getNetworkSpec } from '../models/network-spec.js';
import { loadMnist } from '../data/mnist.js';
import { nestedMagnitudeKeep } from '../prune/nested-keep.js';
import { toModelSpec } from '../prune/to-model-spec.js';
import { fineTuneJoint } from '../prune/fine-tune-joint.js';
import { extract, readPackage, writePackage } from '@eve-bench/device-agent';
import { runtimeAccuracy } from '../evaluator/runtime-accuracy.js';

beforeAll(async () => { await initWasmBackend(); });

describe('conv2d with a convolutional filter gradient (WASM has no Conv2DBackpropFilter)', () => {
  it('matches numerical differences on a tiny conv', () => {
    const rng = createRng(3);
    const xv = Float32Array.from({ length: 2 * 6 * 5 * 3 }, () => rng.normal());
    const fv = Float32Array.from({ length: 3 * 2 * 3 * 4 }, () => rng.normal());
    const x = tf.tensor4d(xv, [2, 6, 5, 3]);
    const loss = (f: tf.Tensor4D) => tf.sum(tf.square(conv2dValid(x, f))) as tf.Scalar;
    const analytic = tf.grad(loss)(tf.tensor4d(fv, [3, 2, 3, 4])).dataSync();
    const eps = 1e-2;
    for (const i of [0, 7, 19, 40, 71]) {
      const plus = fv.slice(); plus[i]! += eps;
      const minus = fv.slice(); minus[i]! -= eps;
      const num = (loss(tf.tensor4d(plus, [3, 2, 3, 4])).dataSync()[0]! - loss(tf.tensor4d(minus, [3, 2, 3, 4])).dataSync()[0]!) / (2 * eps);
      expect(analytic[i]!).toBeCloseTo(num, 0);
      expect(Math.abs(analytic[i]! - num) / Math.max(1, Math.abs(num))).toBeLessThan(1e-2);
    }
  });

  it('its input gradient matches numerical differences too', () => {
    const rng = createRng(4);
    const xv = Float32Array.from({ length: 2 * 6 * 5 * 3 }, () => rng.normal());
    const f = tf.tensor4d(Float32Array.from({ length: 3 * 2 * 3 * 4 }, () => rng.normal()), [3, 2, 3, 4]);
    const loss = (x: tf.Tensor4D) => tf.sum(tf.square(conv2dValid(x, f))) as tf.Scalar;
    const analytic = tf.grad(loss)(tf.tensor4d(xv, [2, 6, 5, 3])).dataSync();
    const eps = 1e-2;
    for (const i of [0, 13, 44, 90, 179]) {
      const plus = xv.slice(); plus[i]! += eps;
      const minus = xv.slice(); minus[i]! -= eps;
      const num = (loss(tf.tensor4d(plus, [2, 6, 5, 3])).dataSync()[0]! - loss(tf.tensor4d(minus, [2, 6, 5, 3])).dataSync()[0]!) / (2 * eps);
      expect(Math.abs(analytic[i]! - num) / Math.max(1, Math.abs(num))).toBeLessThan(1e-2);
    }
  });

  it('the data-input variant has the same value and filter gradient, and a zero input gradient', () => {
    const rng = createRng(5);
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 7 * 7 * 2 }, () => rng.normal()), [2, 7, 7, 2]);
    const f = tf.tensor4d(Float32Array.from({ length: 3 * 3 * 2 * 3 }, () => rng.normal()), [3, 3, 2, 3]);
    const grads = (conv: typeof conv2dValid) => tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.square(conv(xx as tf.Tensor4D, ff as tf.Tensor4D))))([x, f]);
    const [dx, df] = grads(conv2dValid);
    const [dx0, df0] = grads(conv2dValidDataInput);
    expect(Array.from(conv2dValidDataInput(x, f).dataSync())).toEqual(Array.from(conv2dValid(x, f).dataSync()));
    expect(Array.from(df0!.dataSync())).toEqual(Array.from(df!.dataSync()));
    expect(tf.max(tf.abs(dx0!)).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(dx!)).dataSync()[0]).toBeGreaterThan(0);
  });

  it('trains LeNet-5 on MNIST and the device runtime agrees with TensorFlow.js on every mode', async () => {
    const data = await loadMnist({ trainCount: 1500, valCount: 200, testCount: 300, seed: 2 });
    const model = await trainDense(getNetworkSpec('lenet-5'), data, { epochs: 1, batchSize: 32, learningRate: 0.003, seed: 2 });
    expect(evaluateAccuracy(model, data.test, data.features)).toBeGreaterThan(0.6); // 1,500 images, one epoch
    const keep = nestedMagnitudeKeep(model, [[0.3, 0.3, 0.5, 0.5, 0.3], [0.5, 0.6, 0.8, 0.8, 0.5], [0.6, 0.8, 0.9, 0.9, 0.6]]);
    const pkg = readPackage(writePackage(toModelSpec(model, keep, { name: 'lenet-5', modeNames: ['high', 'mid', 'low'] })));
    expect(pkg.layers.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'maxpool', 'conv2d', 'relu', 'maxpool', 'flatten', 'dense', 'relu', 'dense', 'relu', 'dense']);
    for (let m = 0; m < 3; m++) {
      expect(runtimeAccuracy(pkg, m, data.test)).toBeCloseTo(evaluateAccuracy(model, data.test, data.features, keep, m), 2);
    }
    expect(extract(pkg, 2).ops.find((o) => o.kind === 'conv2d')).toBeDefined();
    // joint fine-tuning through the conv layers keeps every weight no mode uses at exactly zero
    const tuned = await fineTuneJoint(model, keep, data, { epochs: 1, batchSize: 32, learningRate: 0.001, seed: 2, trainCount: 320 });
    tuned.params.forEach((p, l) => p.weights.forEach((w, i) => { if (keep[l]![i] === -1) expect(Math.abs(w)).toBe(0); }));
    expect(tuned.params[0]!.weights).not.toEqual(model.params[0]!.weights);
  }, 120_000);
});
