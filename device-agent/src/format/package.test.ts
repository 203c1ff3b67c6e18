import { describe, expect, it } from 'vitest';
import { writePackage } from './writer.js';
import { readPackage } from './reader.js';
import type { ModelSpec } from './model-spec.js';
import { extract } from '../runtime/extract.js';
import { mulberry32 } from '../harvest/generators.js';
import { randomSpec } from './random-spec.js';
import { isEveError } from '../errors/eve-error.js';
import { crc32 } from './crc32.js';

/** Reference: dense math with mode m's mask applied. */
function reference(spec: ModelSpec, mode: number, x: Float32Array): Float32Array {
  let a = x;
  for (const l of spec.layers) {
    if (l.kind === 'relu') a = a.map((v) => Math.max(0, v));
    if (l.kind !== 'dense') continue;
    const y = new Float32Array(l.outFeatures);
    for (let r = 0; r < l.outFeatures; r++) {
      let s = 0;
      for (let c = 0; c < l.inFeatures; c++) if (l.keep[r * l.inFeatures + c]! >= mode) s += l.weights[r * l.inFeatures + c]! * a[c]!;
      y[r] = s + l.bias[r]!;
    }
    a = y;
  }
  return a;
}

describe('.eve package', () => {
  it('round-trips and every mode computes the masked network', () => {
    const spec = randomSpec();
    const pkg = readPackage(writePackage(spec));
    expect(pkg.modes.map((m) => m.name)).toEqual(['high', 'mid', 'low']);
    expect(pkg.modes[0]!.sparsity).toBeLessThan(pkg.modes[1]!.sparsity);
    expect(pkg.modes[1]!.sparsity).toBeLessThan(pkg.modes[2]!.sparsity);
    const u = mulberry32(9);
    for (let m = 0; m < 3; m++) {
      const model = extract(pkg, m);
      for (let t = 0; t < 5; t++) {
        const x = Float32Array.from({ length: 20 }, () => u());
        const want = reference(spec, m, x);
        const got = model.run(x);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
      }
    }
  });

  it('extraction views the package buffer instead of copying weights', () => {
    const pkg = readPackage(writePackage(randomSpec()));
    for (let m = 0; m < 3; m++) {
      for (const v of extract(pkg, m).weightViews()) expect(v.buffer).toBe(pkg.buffer.buffer);
    }
  });

  it('stores every mode in one weight region no larger than the densest mode needs', () => {
    const spec = randomSpec(2, [200, 50, 10]);
    const pkg = readPackage(writePackage(spec));
    expect(pkg.stats.packageBytes).toBeLessThan(1.2 * (pkg.modes[0]!.keptWeights * 6 + 4 * 60 + 1024));
  });

  it('a dense-format layer refuses weights that differ between modes', () => {
    const spec = randomSpec();
    (spec.layers[0] as { format: string }).format = 'dense';
    expect(() => writePackage(spec)).toThrow(/dense-format layer must use the same weights/);
  });

  it('survives mutation: only typed errors, never a crash or a wrong-size allocation', () => {
    const good = writePackage(randomSpec(3));
    const u = mulberry32(42);
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const b = good.slice();
      const kind = i % 3;
      if (kind === 0) b[Math.floor(u() * b.length)] ^= 1 << Math.floor(u() * 8);
      const bytes = kind === 1 ? b.subarray(0, Math.floor(u() * b.length)) : b;
      if (kind === 2) new DataView(b.buffer).setUint32(Math.floor(u() * (b.length - 4)), 0xffffffff, true);
      try {
        readPackage(bytes);
      } catch (e) {
        expect(isEveError(e), String(e)).toBe(true);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(2900); // the CRC catches nearly everything
  });

  it('a hostile file with a valid CRC is still refused by the field checks', () => {
    const b = writePackage(randomSpec(4)).slice();
    const dv = new DataView(b.buffer);
    // layer 0's inFeatures sits after the fixed header, name and mode table; set it huge
    const nameLen = b[18]!;
    let o = 19 + nameLen;
    for (let m = 0; m < 3; m++) o += 1 + b[o]! + 4;
    dv.setUint32(o + 2, 0x7fffffff, true);
    dv.setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
    expect(() => readPackage(b)).toThrow(/layers\[0\]\.inFeatures/);
  });
});
