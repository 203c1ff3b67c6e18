/**
 * Seeded randomness, passed to everything random in the search (initialisation, batch order,
 * candidate proposals). sfc32 (Chris Doty-Humphrey's Small Fast Counter): fast, 128-bit state,
 * passes PractRand; hand-written because it is six lines and must be reproducible everywhere.
 */
import { EveError } from '@eve-bench/device-agent';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Fisher-Yates, in place. */
  shuffle<T>(a: T[] | Uint32Array): void;
  /** An independent generator derived from this one. */
  fork(): Rng;
  /** The full 128-bit state, for snapshots: `restoreRng(r.state())` continues the same sequence. */
  state(): RngState;
}

export type RngState = [number, number, number, number];

export function createRng(seed: number): Rng {
  return fromState([0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0], 15);
}

/** A generator continuing exactly where the one whose `state()` this is left off. */
export function restoreRng(state: readonly number[]): Rng {
  if (state.length !== 4 || !state.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) {
    throw new EveError('SNAPSHOT_INVALID', `an RNG state is four 32-bit unsigned integers, got ${JSON.stringify(state)}`);
  }
  return fromState(state as RngState, 0);
}

function fromState(s: RngState, warmUp: number): Rng {
  let [a, b, c, d] = s;
  const next32 = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < warmUp; i++) next32();
  const rng: Rng = {
    next: () => next32() / 4294967296,
    int: (n) => Math.floor((next32() / 4294967296) * n),
    normal: () => {
      const u = Math.max(rng.next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    },
    shuffle: (arr) => {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = arr[i]!; arr[i] = arr[j]!; arr[j] = t;
      }
    },
    fork: () => createRng(next32()),
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
  };
  return rng;
}
