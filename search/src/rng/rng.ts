/**
 * Seeded randomness, passed to everything random in the search (initialisation, batch order,
 * candidate proposals). sfc32 (Chris Doty-Humphrey's Small Fast Counter): fast, 128-bit state,
 * passes PractRand; hand-written because it is six lines and must be reproducible everywhere.
 */
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
}

export function createRng(seed: number): Rng {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
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
  for (let i = 0; i < 15; i++) next32();
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
  };
  return rng;
}
