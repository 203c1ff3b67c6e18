import { describe, expect, it } from 'vitest';
import { createRng, restoreRng } from './rng.js';

describe('seeded rng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createRng(42); const b = createRng(42); const c = createRng(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(sa);
  });

  it('next() is in [0, 1) and roughly uniform; int(n) covers 0..n-1 only', () => {
    const r = createRng(1);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]!++;
    }
    bins.forEach((n) => expect(Math.abs(n - 2000)).toBeLessThan(200));
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('normal() has mean ~0 and variance ~1', () => {
    const r = createRng(2);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('shuffle is a seeded permutation; fork gives an independent reproducible stream', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const b = [...a];
    createRng(9).shuffle(a); createRng(9).shuffle(b);
    expect(a).toEqual(b);
    expect(a).not.toEqual([...a].sort((x, y) => x - y));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const f1 = createRng(5).fork(); const f2 = createRng(5).fork();
    expect(f1.next()).toBe(f2.next());
  });

  it('state() → JSON → restoreRng continues the same sequence; a bad state is a typed error', () => {
    const a = createRng(11);
    for (let i = 0; i < 7; i++) a.next();
    const b = restoreRng(JSON.parse(JSON.stringify(a.state())) as number[]);
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(Array.from({ length: 20 }, () => a.next()));
    expect(() => restoreRng([1, 2, 3])).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
    expect(() => restoreRng([1, 2, 3, -1])).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
  });
});
