/**
 * `npm run bench -w search`: tfjsWasmRatio — our sparsest mode's batch-1 latency divided by
 * TensorFlow.js (WASM backend) running the same network dense at batch 1, timed side by side in
 * one process on the trained bench models (bench/models/). device-agent must not depend on tfjs,
 * so this comparison lives here. Writes bench/results/tfjs-ratio.json and prints a table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { EveError, extract, loadBenchModels, median, timePerCall, type EvePackage } from '@eve-bench/device-agent';
import { initWasmBackend } from '../train/backend.js';

/** The dense package as TensorFlow.js ops: weights converted once to tf layout, kept as tensors. */
function tfModel(pkg: EvePackage): (x: Float32Array) => Float32Array {
  const weights = pkg.layers.map((l) => {
    if (l.kind !== 'dense' && l.kind !== 'conv2d') return undefined;
    if (l.format !== 'dense') throw new EveError('BENCH_MODELS_INVALID', `${pkg.name}: the dense baseline's layers must be dense-format, found ${l.format}`);
    const w = l.kind === 'conv2d'
      ? tf.tidy(() => tf.tensor4d(l.values, [l.outFeatures, l.kernelH, l.kernelW, l.input[2]]).transpose([1, 2, 3, 0]))
      : tf.tidy(() => tf.tensor2d(l.values, [l.outFeatures, l.inFeatures]).transpose());
    return { w, b: tf.tensor1d(l.bias) };
  });
  const [h, wd, c] = pkg.input;
  return (x) => {
    const out = tf.tidy(() => {
      let a: tf.Tensor = tf.tensor4d(x, [1, h, wd, c]);
      pkg.layers.forEach((l, i) => {
        const p = weights[i];
        if (l.kind === 'conv2d') a = tf.add(tf.conv2d(a as tf.Tensor4D, p!.w as tf.Tensor4D, 1, 'valid'), p!.b);
        else if (l.kind === 'dense') a = tf.add(tf.matMul(a.reshape([1, -1]), p!.w as tf.Tensor2D), p!.b);
        else if (l.kind === 'relu') a = tf.relu(a);
        else if (l.kind === 'maxpool') a = tf.maxPool(a as tf.Tensor4D, l.size, l.size, 'valid');
        else if (l.kind === 'flatten') a = a.reshape([1, -1]);
        else if (l.kind === 'softmax') a = tf.softmax(a.reshape([1, -1]));
      });
      return a;
    });
    const y = out.dataSync() as Float32Array; // batch 1, result on the host: what a caller waits for
    out.dispose();
    return y;
  };
}

const argmax = (y: ArrayLike<number>) => { let b = 0; for (let i = 1; i < y.length; i++) if (y[i]! > y[b]!) b = i; return b; };

async function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const models = loadBenchModels(join(root, 'bench/models'));
  if (!models) {
    console.log('tfjsWasmRatio: no trained models in bench/models/ — run `npm run models -w search` first; nothing measured');
    return;
  }
  await initWasmBackend();
  const { test } = models;
  const networks = models.networks.map((n) => {
    const tfRun = tfModel(n.dense);
    const sparsest = extract(n.shared, n.shared.modes.length - 1);
    const ours = extract(n.dense, 0);
    const x = (i: number) => Float32Array.from(test.images.subarray(i * test.features, (i + 1) * test.features), (v) => v / 255);
    // the tf graph and our dense runtime must compute the same network
    let agree = 0;
    const checks = Math.min(200, test.count);
    for (let i = 0; i < checks; i++) if (argmax(tfRun(x(i))) === argmax(ours.run(x(i)))) agree++;
    const input = x(0);
    const tTf: number[] = [];
    const tOurs: number[] = [];
    for (let r = 0; r < 7; r++) { // interleaved, medians
      tTf.push(timePerCall(() => tfRun(input)));
      tOurs.push(timePerCall(() => sparsest.run(input)));
    }
    const tfUs = median(tTf) * 1e3;
    const sparsestUs = median(tOurs) * 1e3;
    return { network: n.network, sparsestMode: n.shared.modes.length - 1, sparsity: n.shared.modes.at(-1)!.sparsity, tfjsDenseUs: tfUs, sparsestUs, tfjsWasmRatio: sparsestUs / tfUs, argmaxAgreement: agree / checks };
  });
  const result = { date: new Date().toISOString(), node: process.version, backend: tf.getBackend(), tfjs: tf.version.tfjs, networks };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/tfjs-ratio.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`\ntfjsWasmRatio (batch 1, same process; TensorFlow.js ${tf.version.tfjs} on ${tf.getBackend()}): lower is better for us`);
  console.log('network          tfjs dense µs  ours sparsest µs  sparsity  tfjsWasmRatio  argmax agreement');
  for (const n of networks) {
    console.log(`${n.network.padEnd(16)} ${n.tfjsDenseUs.toFixed(1).padStart(13)}  ${n.sparsestUs.toFixed(1).padStart(16)}  ${(n.sparsity * 100).toFixed(1).padStart(6)} %  ${n.tfjsWasmRatio.toFixed(3).padStart(13)}  ${(n.argmaxAgreement * 100).toFixed(1).padStart(6)} %`);
  }
  console.log('wrote bench/results/tfjs-ratio.json');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
