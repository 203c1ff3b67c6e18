/**
 * Mutation fuzzing of the package reader: bit flips, truncations, and 32-bit fields overwritten
 * with huge values, each followed by a CRC fix-up half of the time so the field checks (not just
 * the CRC) are exercised. Anything other than an EveError is a crash. A case slower than `hangMs`
 * is timed twice more on the same bytes and is a hang only if it is slow every time: on a loaded
 * machine one call now and then waits for the CPU or a garbage collection (a 219 ms outlier in a
 * run beside three training jobs), which is not the reader's doing.
 */
import { isEveError } from '../errors/eve-error.js';
import { crc32 } from '../format/crc32.js';
import { readPackage } from '../format/reader.js';
import { extract } from '../runtime/extract.js';
import { extractInt8 } from '../runtime/extract-int8.js';
import { mulberry32 } from '../harvest/generators.js';

export interface FuzzReport {
  cases: number;
  rejected: number;
  accepted: number;
  crashes: number;
  hangs: number;
  slowestMs: number;
  firstCrash?: string;
}

/** Reads, extracts and runs every mode of `b`: 'accepted', 'rejected' (an EveError), or the crash. */
function tryPackage(b: Uint8Array): 'accepted' | 'rejected' | { crash: unknown } {
  try {
    const pkg = readPackage(b);
    // an accepted package must also extract and run every mode without a crash
    const n = pkg.input[0] * pkg.input[1] * pkg.input[2];
    for (let m = 0; m < pkg.modes.length; m++) {
      if (pkg.dtype === 'int8') extractInt8(pkg, m).run(new Uint8Array(n).fill(200));
      else extract(pkg, m).run(new Float32Array(n));
    }
    return 'accepted';
  } catch (e) {
    return isEveError(e) ? 'rejected' : { crash: e };
  }
}

/** `now` is the clock in milliseconds (injected for tests). */
export function fuzzReader(good: Uint8Array, cases: number, seed: number, hangMs = 200, now: () => number = () => performance.now()): FuzzReport {
  const u = mulberry32(seed);
  const r: FuzzReport = { cases, rejected: 0, accepted: 0, crashes: 0, hangs: 0, slowestMs: 0 };
  for (let i = 0; i < cases; i++) {
    let b = good.slice();
    switch (i % 4) {
      case 0: for (let k = 1 + Math.floor(u() * 4); k > 0; k--) b[Math.floor(u() * b.length)] ^= 1 << Math.floor(u() * 8); break;
      case 1: b = b.slice(0, Math.floor(u() * b.length)); break;
      case 2: new DataView(b.buffer).setUint32(Math.floor(u() * (b.length - 4)), [0xffffffff, 0x7fffffff, 0x10000, 0][Math.floor(u() * 4)]!, true); break;
      case 3: b[Math.floor(u() * Math.min(b.length, 256))] = Math.floor(u() * 256); break;
    }
    // half the time, make the CRC right so the structural checks are what must catch it
    if (u() < 0.5 && b.length >= 8) new DataView(b.buffer).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
    const timed = () => {
      const t0 = now();
      const outcome = tryPackage(b);
      return { outcome, ms: now() - t0 };
    };
    const { outcome, ms } = timed();
    if (outcome === 'accepted') r.accepted++;
    else if (outcome === 'rejected') r.rejected++;
    else {
      r.crashes++;
      const e = outcome.crash;
      r.firstCrash ??= `case ${i}: ${(e as Error)?.stack ?? String(e)}`;
    }
    let fastest = ms;
    for (let retry = 0; retry < 2 && fastest > hangMs; retry++) fastest = Math.min(fastest, timed().ms);
    if (fastest > r.slowestMs) r.slowestMs = fastest;
    if (fastest > hangMs) r.hangs++;
  }
  return r;
}
