/**
 * The int8 path end to end on MNIST: a quickly trained 3-mode network is packaged (float32),
 * exported with `eve package export-c` (which quantizes it on MNIST training images), compiled
 * with gcc -std=c99 -Wall -Werror, and run on 1,000 MNIST test images per mode; the C logits must
 * equal the TypeScript int8 runtime's bit for bit, and int8 accuracy must stay within 0.5 points
 * of float32 in every mode.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmaxI8, extract, randomSpec, extractInt8, readPackage, runHostHarness, C_FLAGS, writePackage, type EvePackage } from '@eve-bench/device-agent';
import { getNetworkSpec, initWasmBackend, loadMnist, nestedMagnitudeKeep, toModelSpec, trainDense, type Dataset } from '@eve-bench/search';
import { execFileSync } from 'node:child_process';
import { requireSystemTool } from '../src/system-tools.js';
import { runEve } from '../src/run-cli.js';

const TEST_IMAGES = 1000;
const dir = mkdtempSync(join(tmpdir(), 'eve-int8-'));
let data: Dataset;
let floatPkg: EvePackage;

beforeAll(async () => {
  await initWasmBackend();
  data = await loadMnist({ trainCount: 6000, valCount: 0, testCount: TEST_IMAGES, seed: 3 });
  const model = await trainDense(getNetworkSpec('mlp-small'), data, { epochs: 2, batchSize: 64, learningRate: 0.002, seed: 3 });
  const keep = nestedMagnitudeKeep(model, [[0.5, 0.5, 0.4], [0.6, 0.6, 0.5], [0.7, 0.7, 0.6]]);
  const bytes = writePackage(toModelSpec(model, keep, { name: 'mlp-small-3', modeNames: ['high', 'mid', 'low'] }));
  writeFileSync(join(dir, 'float.eve'), bytes);
  floatPkg = readPackage(bytes);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function image(i: number): Uint8Array {
  return data.test.images.subarray(i * 784, (i + 1) * 784);
}

describe('eve package export-c (int8)', () => {
  it('exports C whose logits equal the TypeScript int8 runtime on 1,000 MNIST images in every mode', async () => {
    const gcc = requireSystemTool('gcc', 'gcc');
    const out = join(dir, 'c');
    const r = await runEve(['package', 'export-c', join(dir, 'float.eve'), '--out', out, '--calibration', '200'], 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/quantized 'mlp-small-3' to int8 with 200 MNIST images/);
    const exe = join(out, 'eve_host');
    execFileSync(gcc, [...C_FLAGS, '-o', exe, join(out, 'eve_model.c'), join(out, 'eve_host_main.c')]);
    const int8Pkg = readPackage(new Uint8Array(readFileSync(join(out, 'model.int8.eve'))));
    expect(int8Pkg.dtype).toBe('int8');
    const inputs = data.test.images.subarray(0, TEST_IMAGES * 784);
    for (let m = 0; m < int8Pkg.modes.length; m++) {
      const c = runHostHarness(exe, m, inputs);
      const model = extractInt8(int8Pkg, m);
      const ts = new Int8Array(TEST_IMAGES * 10);
      for (let i = 0; i < TEST_IMAGES; i++) ts.set(model.run(image(i)), i * 10);
      expect(c.length).toBe(ts.length);
      const firstDiff = c.findIndex((v, i) => v !== ts[i]);
      expect(firstDiff, `mode ${m}: first differing logit`).toBe(-1);
      expect(new Set(c).size).toBeGreaterThan(20);
    }
    // an out-of-range mode is refused by eve_set_mode
    expect(() => runHostHarness(exe, int8Pkg.modes.length, inputs.subarray(0, 784))).toThrow();
  });

  it('keeps int8 accuracy within 0.5 points of float32 in every mode', async () => {
    const int8Pkg = readPackage(new Uint8Array(readFileSync(join(dir, 'c', 'model.int8.eve'))));
    for (let m = 0; m < floatPkg.modes.length; m++) {
      const [f, q] = [extract(floatPkg, m), extractInt8(int8Pkg, m)];
      let [fOk, qOk] = [0, 0];
      for (let i = 0; i < TEST_IMAGES; i++) {
        const label = data.test.labels[i]!;
        if (f.predict(Float32Array.from(image(i), (p) => p / 255)) === label) fOk++;
        if (argmaxI8(q.run(image(i))) === label) qOk++;
      }
      expect(fOk / TEST_IMAGES, `mode ${m} float32 accuracy`).toBeGreaterThan(0.8);
      expect(Math.abs(qOk - fOk) / TEST_IMAGES, `mode ${m}: int8 ${qOk} vs float32 ${fOk} correct`).toBeLessThanOrEqual(0.005);
    }
  });

  it('refuses what it cannot export with one line and a typed code', async () => {
    const file = join(dir, 'not-mnist.eve');
    writeFileSync(file, writePackage(randomSpec(3, [20, 8, 4])));
    const r = await runEve(['package', 'export-c', file, '--out', join(dir, 'nope')], 30_000);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/EXPORT_C_CALIBRATION/);
    const bad = await runEve(['package', 'export-c', join(dir, 'float.eve'), '--out', join(dir, 'nope'), '--calibration', 'many'], 30_000);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--calibration must be an integer/);
  });

  it('exports a float32 package as float32 C with --float32, and it compiles', async () => {
    const out = join(dir, 'f32');
    const r = await runEve(['package', 'export-c', join(dir, 'float.eve'), '--out', out, '--float32'], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'eve_model.h'), 'utf8')).toMatch(/typedef float eve_logit_t/);
    execFileSync(requireSystemTool('gcc', 'gcc'), [...C_FLAGS, '-o', join(out, 'eve_host'), join(out, 'eve_model.c'), join(out, 'eve_host_main.c')]);
  });
});
