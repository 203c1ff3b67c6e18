import { describe, expect, it } from 'vitest';
import { writePackage } from './writer.js';
import { readPackage } from './reader.js';
import { crc32 } from './crc32.js';
import type { ModelSpec } from './model-spec.js';
import { randomBlockSpec, randomSpec } from './random-spec.js';
import { extract } from '../runtime/extract.js';
import { fuzzReader } from '../bench/fuzz.js';
import { mulberry32 } from '../harvest/generators.js';

/** Dense math with mode m's mask applied, straight from the spec. */
function reference(spec: ModelSpec, mode: number, x: Float32Array): Float32Array {
  let a = x;
  for (const l of spec.layers) {
    if (l.kind === 'relu') a = a.map((v) => Math.max(0, v));
    if (l.kind !== 'dense') continue;
    const y = new Float32Array(l.outFeatures);
    for (let r = 0; r < l.outFeatures; r++) {
      let s = l.bias[r]!;
      for (let c = 0; c < l.inFeatures; c++) if (l.keep[r * l.inFeatures + c]! >= mode) s += l.weights[r * l.inFeatures + c]! * a[c]!;
      y[r] = s;
    }
    a = y;
  }
  return a;
}

function fixCrc(b: Uint8Array): Uint8Array {
  new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
  return b;
}

describe('1x4 block-sparse layers', () => {
  it('round-trip, record their format, and every mode computes the masked network', () => {
    const spec = randomBlockSpec(3);
    const pkg = readPackage(writePackage(spec));
    expect(pkg.layers.flatMap((l) => (l.kind === 'dense' ? [l.format] : []))).toEqual(['block1x4', 'block1x4']);
    const u = mulberry32(5);
    for (let m = 0; m < 3; m++) {
      const model = extract(pkg, m);
      for (let t = 0; t < 4; t++) {
        const x = Float32Array.from({ length: 24 }, () => u() * 2 - 1);
        const want = reference(spec, m, x);
        const got = model.run(x);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
      }
    }
  });

  it('count kept weights in whole blocks, nest across modes, and view the package buffer', () => {
    const spec = randomBlockSpec(4);
    const pkg = readPackage(writePackage(spec));
    const kept = (m: number) => spec.layers.reduce((s, l) => s + (l.kind === 'dense' ? l.keep.filter((k) => k >= m).length : 0), 0);
    expect(pkg.modes.map((m) => m.keptWeights)).toEqual([kept(0), kept(1), kept(2)]);
    for (let m = 0; m < 3; m++) {
      const model = extract(pkg, m);
      for (const v of model.weightViews()) expect(v.buffer).toBe(pkg.buffer.buffer);
      const l0 = model.ops[0]!;
      expect(l0.format).toBe('block1x4');
      expect(l0.indexReads * 4).toBe(l0.macs); // one column index per block of four
    }
  });

  it('the writer refuses a block whose four weights disagree on the modes that keep them', () => {
    const spec = randomBlockSpec(5);
    const l = spec.layers[0]!;
    if (l.kind !== 'dense') throw new Error('expected dense');
    l.keep[1] = l.keep[0] === 2 ? 1 : 2;
    expect(() => writePackage(spec)).toThrow(expect.objectContaining({ code: 'PKG_WRITE_FORMAT' }));
    const odd = randomSpec(1, [10, 4]);
    (odd.layers[0] as { format: string }).format = 'block1x4';
    expect(() => writePackage(odd)).toThrow(/multiples of 4/);
  });

  it('the reader refuses a block column that is unaligned or runs past the row', () => {
    const pkg = readPackage(writePackage(randomBlockSpec(6)));
    const l0 = pkg.layers[0]!;
    if (l0.kind !== 'dense') throw new Error('expected dense');
    const at = l0.columns.byteOffset - pkg.buffer.byteOffset;
    for (const [col, why] of [[2, /columns\[0\]: 2 does not start a block of 4/], [24, /columns\[0\]: 24 does not start a block of 4 within inFeatures 24/]] as const) {
      const b = pkg.buffer.slice();
      new DataView(b.buffer).setUint16(at, col, true);
      expect(() => readPackage(fixCrc(b))).toThrow(why);
    }
  });

  it('the reader throws only EveError for thousands of mutations of a block package', () => {
    const r = fuzzReader(writePackage(randomBlockSpec(7)), 2500, 13, Infinity);
    expect(r.firstCrash).toBeUndefined();
    expect(r.crashes).toBe(0);
    expect(r.rejected + r.accepted).toBe(2500);
  });
});

describe('decoding a package back to its spec', () => {
  it('recovers every weight and keep tier of row-prefix, block and dense layers', async () => {
    const { specFromPackage } = await import('./decode-spec.js');
    const spec = randomBlockSpec(9);
    const last = spec.layers[2]!;
    if (last.kind !== 'dense') throw new Error('expected dense');
    last.keep.fill(2); last.format = 'dense';
    const back = specFromPackage(readPackage(writePackage(spec)));
    spec.layers.forEach((l, i) => {
      const b = back.layers[i]!;
      if (l.kind !== 'dense' || b.kind !== 'dense') return;
      expect(b.format).toBe(l.format);
      expect([...b.keep]).toEqual([...l.keep]);
      expect([...b.weights]).toEqual([...l.weights].map((w, j) => (l.keep[j] === -1 ? 0 : w)));
    });
  });
});
