import { describe, expect, it } from 'vitest';
import { writePackage } from './writer.js';
import { readPackage } from './reader.js';
import { crc32 } from './crc32.js';
import { randomSpec } from './random-spec.js';
import { fuzzReader } from '../bench/fuzz.js';
import { randomConvSpec as convSpec } from './random-spec.js';
import { quantize } from '../quant/quantize.js';

/** Rewrites the trailer so only the structural checks stand between the bytes and the runtime. */
function fixCrc(b: Uint8Array): Uint8Array {
  new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
  return b;
}

describe('.eve reader against hostile input', () => {
  it('throws only EveError for thousands of mutations of an MLP and a conv package, CRC fixed or not', () => {
    for (const good of [writePackage(randomSpec(7)), writePackage(convSpec('rowPrefixSparse', 3))]) {
      const r = fuzzReader(good, 2500, 11, Infinity); // no timing assertion: hangs show as a test timeout
      expect(r.firstCrash).toBeUndefined();
      expect(r.crashes).toBe(0);
      expect(r.rejected + r.accepted).toBe(2500);
    }
  });

  it('throws only EveError for mutations of int8 packages (scales section included)', () => {
    const calib = [Uint8Array.from({ length: 288 }, (_, i) => (i * 7) % 256)];
    for (const spec of [randomSpec(9), convSpec('rowPrefixSparse', 4), convSpec('dense', 5)]) {
      const len = spec.input[0] * spec.input[1] * spec.input[2];
      const good = writePackage(quantize(spec, [calib[0]!.subarray(0, len)]));
      const r = fuzzReader(good, 1500, 13, Infinity);
      expect(r.firstCrash).toBeUndefined();
      expect(r.rejected + r.accepted).toBe(1500);
    }
  });

  it('counts a case as a hang only when it is slow every time it is timed', () => {
    const good = writePackage(randomSpec(7));
    // a clock whose every call advances 1 ms, except that one timing of case 0 takes 500 ms
    const clock = (slowReads: Set<number>) => {
      let t = 0;
      let reads = 0;
      return () => (t += slowReads.has(++reads) ? 500 : 1);
    };
    const once = fuzzReader(good, 5, 11, 200, clock(new Set([2])));
    expect(once.hangs).toBe(0);
    expect(once.slowestMs).toBeLessThan(200);
    // slow on all three timings of case 0 (reads 2, 4, 6): a hang
    const always = fuzzReader(good, 5, 11, 200, clock(new Set([2, 4, 6])));
    expect(always.hangs).toBe(1);
    expect(always.slowestMs).toBe(500);
  });

  it('refuses a header that would make extraction allocate a huge activation buffer', () => {
    const b = writePackage(randomSpec(4)).slice();
    const dv = new DataView(b.buffer);
    dv.setUint16(12, 0xffff, true); // input height
    dv.setUint16(14, 0xffff, true); // input width
    expect(() => readPackage(fixCrc(b))).toThrow(/input: shape 65535x65535x20 exceeds/);
  });

  it('names the field for truncation, a bad magic and an unknown version', () => {
    const good = writePackage(randomSpec(4));
    expect(() => readPackage(good.subarray(0, 10))).toThrow(expect.objectContaining({ code: 'PKG_INVALID' }));
    expect(() => readPackage(good.subarray(0, good.length - 1))).toThrow(expect.objectContaining({ code: 'PKG_CRC' }));
    const magic = good.slice(); magic[0] = 0x46;
    expect(() => readPackage(fixCrc(magic))).toThrow(/magic/);
    const version = good.slice(); version[4] = 9;
    expect(() => readPackage(fixCrc(version))).toThrow(/version: 9 is not supported/);
  });

  it('refuses a column index outside the row and row ends that do not nest', () => {
    const spec = randomSpec(4);
    const pkg = readPackage(writePackage(spec));
    const l0 = pkg.layers[0]!;
    if (l0.kind !== 'dense') throw new Error('expected a dense first layer');
    const at = (view: ArrayBufferView) => view.byteOffset - pkg.buffer.byteOffset;
    const cols = pkg.buffer.slice();
    new DataView(cols.buffer).setUint16(at(l0.columns), 20, true); // inFeatures is 20
    expect(() => readPackage(fixCrc(cols))).toThrow(/layers\[0\]\.columns\[0\]: 20 is not below inFeatures 20/);
    const ends = pkg.buffer.slice();
    // mode 2's end of row 0 beyond mode 1's: the sparser mode would use weights the denser one drops
    new DataView(ends.buffer).setUint32(at(l0.rowEnds) + 4 * 2 * l0.outFeatures, l0.rowEnds[l0.outFeatures]! + 1, true);
    expect(() => readPackage(fixCrc(ends))).toThrow(/rowEnds\[\d\]\[0\].*modes must nest/);
  });
});
