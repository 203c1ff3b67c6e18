import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomConvSpec, randomSpec } from '../format/random-spec.js';
import { readPackage } from '../format/reader.js';
import { writePackage } from '../format/writer.js';
import { mulberry32 } from '../harvest/generators.js';
import { quantize } from '../quant/quantize.js';
import { extractInt8 } from '../runtime/extract-int8.js';
import { extract } from '../runtime/extract.js';
import type { ModelSpec } from '../format/model-spec.js';
import { generateC } from './generate-c.js';
import { buildHostHarness, runHostHarness } from './host-build.js';

const dir = mkdtempSync(join(tmpdir(), 'eve-c-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inputs(n: number, length: number, seed: number): Uint8Array {
  const u = mulberry32(seed);
  return Uint8Array.from({ length: n * length }, () => Math.floor(u() * 256));
}

function checkBitExact(spec: ModelSpec, name: string) {
  const len = spec.input[0] * spec.input[1] * spec.input[2];
  const xs = inputs(200, len, 9);
  const pkg = readPackage(writePackage(quantize(spec, [xs.subarray(0, len), xs.subarray(len, 2 * len)])));
  const sub = mkdtempSync(join(dir, name));
  const exe = buildHostHarness(generateC(pkg), sub);
  for (let m = 0; m < pkg.modes.length; m++) {
    const c = runHostHarness(exe, m, xs);
    const model = extractInt8(pkg, m);
    const ts = new Int8Array(c.length);
    for (let i = 0; i < 200; i++) ts.set(model.run(xs.subarray(i * len, (i + 1) * len)), i * pkg.outputs);
    expect(c, `mode ${m}`).toEqual(ts);
    expect(new Set(c).size, 'logits vary across inputs').toBeGreaterThan(10);
  }
}

describe('C export (int8)', () => {
  it('compiles with -std=c99 -Wall -Werror and matches the TypeScript int8 runtime bit for bit', () => {
    checkBitExact(randomSpec(11, [48, 24, 10]), 'mlp');
    checkBitExact(randomConvSpec('rowPrefixSparse', 12), 'conv-sparse');
    checkBitExact(randomConvSpec('dense', 13), 'conv-dense');
    // a ReLU after pooling runs as a pass of its own (eve_relu) instead of fused into the conv's clamp
    const fused = randomConvSpec('rowPrefixSparse', 18);
    const [conv, relu, pool, ...rest] = fused.layers;
    checkBitExact({ ...fused, layers: [conv!, pool!, relu!, ...rest] }, 'conv-relu-pass');
  });

  it('has no floating point and no allocation in the generated int8 model', () => {
    const pkg = readPackage(writePackage(quantize(randomConvSpec('rowPrefixSparse', 14), [inputs(1, 288, 1)])));
    const c = generateC(pkg)['eve_model.c'];
    expect(c).not.toMatch(/\b(float|double|malloc|calloc|realloc|free)\b/);
    expect(c).toMatch(/int eve_set_mode\(unsigned mode\)/);
    expect(c).toMatch(/static const int8_t eve_l0_values\[/);
  });

  it('exports float32 packages too: same classes as the TypeScript runtime, logits within float rounding', () => {
    for (const [spec, name] of [[randomSpec(15, [48, 24, 10]), 'f-mlp'], [randomConvSpec('rowPrefixSparse', 16), 'f-conv']] as const) {
      const len = spec.input[0] * spec.input[1] * spec.input[2];
      const pkg = readPackage(writePackage(spec));
      const c = generateC(pkg);
      expect(c['eve_model.h']).toMatch(/typedef float eve_logit_t/);
      const exe = buildHostHarness(c, mkdtempSync(join(dir, name)));
      const xs = inputs(100, len, 17);
      for (let m = 0; m < pkg.modes.length; m++) {
        const raw = runHostHarness(exe, m, xs);
        // copy: the child's output buffer need not be 4-byte aligned
        const logits = new Float32Array(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength).slice().buffer);
        const model = extract(pkg, m);
        for (let i = 0; i < 100; i++) {
          const ts = model.runUint8(xs.subarray(i * len, (i + 1) * len));
          for (let k = 0; k < pkg.outputs; k++) expect(logits[i * pkg.outputs + k]).toBeCloseTo(ts[k]!, 4);
        }
      }
    }
  });
});
