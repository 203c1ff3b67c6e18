import { describe, expect, it } from 'vitest';
import { crc32 as crc } from '../format/crc32.js';
import { mulberry32 } from '../harvest/generators.js';
import { randomConvSpec, randomSpec } from '../format/random-spec.js';
import { readPackage } from '../format/reader.js';
import { writePackage } from '../format/writer.js';
import { specFromPackage } from '../format/decode-spec.js';
import { extract } from '../runtime/extract.js';
import { extractInt8 } from '../runtime/extract-int8.js';
import { quantize } from './quantize.js';
import type { ModelSpec } from '../format/model-spec.js';

function inputs(n: number, length: number, seed: number): Uint8Array[] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => Uint8Array.from({ length }, () => Math.floor(u() * 256)));
}

/** Fraction of inputs on which the int8 model picks the float32 model's class, per mode. */
function agreement(spec: ModelSpec, xs: Uint8Array[]): number[] {
  const f = readPackage(writePackage(spec));
  const q = readPackage(writePackage(quantize(spec, xs.slice(0, 50))));
  expect(q.dtype).toBe('int8');
  return f.modes.map((_, m) => {
    const [fm, qm] = [extract(f, m), extractInt8(q, m)];
    return xs.filter((x) => fm.predict(Float32Array.from(x, (p) => p / 255)) === qm.predict(x)).length / xs.length;
  });
}

describe('int8 quantization', () => {
  it('keeps the float32 decisions of an MLP and a conv net in every mode', () => {
    const mlp = randomSpec(4, [64, 32, 10]);
    for (const a of agreement(mlp, inputs(300, 64, 1))) expect(a).toBeGreaterThan(0.9);
    for (const format of ['dense', 'rowPrefixSparse'] as const) {
      for (const a of agreement(randomConvSpec(format, 3), inputs(300, 12 * 12 * 2, 2))) expect(a).toBeGreaterThan(0.9);
    }
  });

  it('stores the same kept weights per mode and round-trips scales through the package', () => {
    const spec = randomSpec(5, [40, 20, 10]);
    const f = readPackage(writePackage(spec));
    const q = readPackage(writePackage(quantize(f, inputs(20, 40, 3))));
    expect(q.modes.map((m) => m.keptWeights)).toEqual(f.modes.map((m) => m.keptWeights));
    const l = q.layers[0]!;
    if (l.kind !== 'dense') throw new Error('expected dense');
    expect(l.int8!.inScale).toBeCloseTo(2 / 255, 6);
    expect(l.int8!.values.length).toBe((f.layers[0] as typeof l).values.length);
    for (const m of l.int8!.multiplier) expect(m).toBeGreaterThanOrEqual(2 ** 30);
  });

  it('converts a package back to an equivalent spec', () => {
    const spec = randomSpec(6, [30, 12, 5]);
    const again = writePackage(specFromPackage(readPackage(writePackage(spec))));
    expect(again).toEqual(writePackage(spec));
  });

  it('rejects runtimes and inputs of the wrong number format', () => {
    const q = readPackage(writePackage(quantize(randomSpec(7), inputs(5, 20, 4))));
    expect(() => extract(q, 0)).toThrow(/PKG_DTYPE|extractInt8/);
    expect(() => extractInt8(readPackage(writePackage(randomSpec(7))), 0)).toThrow(/extract/);
    expect(() => quantize(randomSpec(7), [])).toThrow(/calibration/);
    expect(() => extractInt8(q, 0).run(new Uint8Array(3))).toThrow(/input has 3 bytes/);
  });

  it('rejects an int8 package whose requantization shift or bias is out of range', () => {
    const good = writePackage(quantize(randomSpec(8, [20, 12, 5]), inputs(5, 20, 5)));
    const pkg = readPackage(good);
    const l = pkg.layers[0] as { int8: { shift: Int32Array; bias: Int32Array } };
    const patch = (arr: Int32Array, value: number) => {
      const bad = good.slice();
      const at = arr.byteOffset - pkg.buffer.byteOffset;
      new DataView(bad.buffer).setInt32(at, value, true);
      return bad;
    };
    // CRC is checked first: fix it up so the field check is what fails
    const recrc = (b: Uint8Array) => { new DataView(b.buffer).setUint32(b.length - 4, crc(b.subarray(0, b.length - 4)), true); return b; };
    expect(() => readPackage(recrc(patch(l.int8.shift, 99)))).toThrow(/shift\[0\]/);
    expect(() => readPackage(recrc(patch(l.int8.bias, 2 ** 31 - 1)))).toThrow(/bias\[0\]/);
  });
});
