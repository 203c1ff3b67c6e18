import { describe, expect, it } from 'vitest';
import { isEveError } from '@eve-bench/device-agent';
import { createRng } from '../rng/rng.js';
import { GenomeSpace } from './genome-space.js';
import { candidateKey } from './candidate.js';

const full = new GenomeSpace({
  modes: 3, layers: 3, choices: [0.5, 0.7, 0.8, 0.9, 0.95],
  granularities: ['unstructured', 'block1x4', 'channel'], kernels: ['dense', 'sparse'], numberFormats: ['float32', 'int8'],
  policy: { reserveJ: [10e-6, 20e-6, 40e-6], hysteresis: [0, 0.1, 0.2] },
});

/** Each layer's sparsity non-decreasing across modes; each mode sparser than the last somewhere. */
function nestedAndDistinct(space: GenomeSpace, g: number[]): boolean {
  const c = space.toCandidate(g);
  return c.sparsity.every((row, m) => m === 0 || (row.every((s, l) => s >= c.sparsity[m - 1]![l]!) && row.some((s, l) => s > c.sparsity[m - 1]![l]!)));
}

describe('GenomeSpace', () => {
  it('lays out one gene per decision, with the sizes of its value lists', () => {
    expect(full.genes.length).toBe(1 + 3 + 3 + 9 + 2);
    expect(full.genes.map((g) => g.size)).toEqual([2, 2, 2, 2, 3, 3, 3, ...new Array(9).fill(5), 3, 3]);
  });

  it('random, mutate and crossover give canonical genomes: nested, distinct modes, within range', () => {
    const rng = createRng(3);
    let a = full.random(rng);
    let b = full.random(rng);
    for (let i = 0; i < 300; i++) {
      const next = i % 3 === 0 ? full.crossover(a, b, rng) : i % 3 === 1 ? full.mutate(a, rng) : full.random(rng);
      expect(full.repair(next)).toEqual(next);
      next.forEach((v, k) => expect(v).toBeLessThan(full.genes[k]!.size));
      const c = full.toCandidate(next);
      if (c.kernel!.some((k) => k === 'sparse')) expect(nestedAndDistinct(full, next)).toBe(true);
      [a, b] = [b, next];
    }
  });

  it('a per-layer sparsity cap: that layer never gets a sparsity above it, the others keep every choice', () => {
    const capped = new GenomeSpace({ modes: 3, layers: 3, choices: [0.5, 0.7, 0.8, 0.9, 0.95], sparsityCaps: [0.7, null, 0.9] });
    expect(capped.genes.filter((g) => g.kind === 'sparsity').map((g) => g.size)).toEqual([2, 5, 4, 2, 5, 4, 2, 5, 4]);
    const rng = createRng(6);
    let a = capped.random(rng);
    for (let i = 0; i < 300; i++) {
      a = i % 2 === 0 ? capped.mutate(a, rng) : capped.crossover(a, capped.random(rng), rng);
      const c = capped.toCandidate(a);
      expect(c.sparsity.every((row) => row[0]! <= 0.7 && row[2]! <= 0.9)).toBe(true);
      expect(nestedAndDistinct(capped, a)).toBe(true);
    }
    // all capped layers at their caps: repair makes the uncapped layer carry the distinct modes
    const top = capped.toCandidate(capped.repair([0, 0, 0, 0, 0, 0, 0, 1, 0, 3, 1, 0, 3, 1, 0, 3]));
    expect(top.sparsity).toEqual([[0.7, 0.5, 0.9], [0.7, 0.7, 0.9], [0.7, 0.8, 0.9]]);
    expect(() => capped.encode({ sparsity: [[0.8, 0.5, 0.5], [0.8, 0.7, 0.5], [0.8, 0.8, 0.5]] })).toThrow(expect.objectContaining({ code: 'GENOME_INVALID' }));
    for (const caps of [[0.4, null, null], [0.7, null]]) {
      try { new GenomeSpace({ modes: 3, layers: 3, choices: [0.5, 0.7], sparsityCaps: caps }); expect.unreachable(); } catch (e) { expect(isEveError(e, 'SPACE_INVALID')).toBe(true); }
    }
  });

  it('a dense-kernel layer is unpruned, and its sparsity and granularity genes are inert (zeroed)', () => {
    const g = full.random(createRng(9));
    g[full.kernelGene(1)] = 0; // dense
    g[full.granularityGene(1)] = 2;
    for (let m = 0; m < 3; m++) g[full.sparsityGene(m, 1)] = 4;
    const r = full.repair(g);
    expect(r[full.granularityGene(1)]).toBe(0);
    const c = full.toCandidate(r);
    expect(c.sparsity.map((row) => row[1])).toEqual([0, 0, 0]);
    expect(c.kernel![1]).toBe('dense');
    // so two genomes differing only in inert genes are one candidate, with one key
    const h = [...r];
    h[full.sparsityGene(2, 1)] = 3;
    expect(full.key(full.repair(h))).toBe(full.key(r));
  });

  it('mutation only touches genes that matter: a mutant always differs from its parent', () => {
    const rng = createRng(4);
    for (let i = 0; i < 200; i++) {
      const g = full.random(rng);
      const m = full.mutate(g, rng);
      expect(candidateKey(full.toCandidate(m)) === candidateKey(full.toCandidate(g)) && full.key(m) === full.key(g)).toBe(false);
    }
  });

  it('decodes every gene into the typed candidate, and encode inverts it', () => {
    const rng = createRng(5);
    for (let i = 0; i < 100; i++) {
      const g = full.random(rng);
      const c = full.toCandidate(g);
      expect(c.numberFormat).toMatch(/^(float32|int8)$/);
      expect(c.policy!.horizonPeriods).toBe(8); // unsearched parameters keep the base policy's value
      expect([10e-6, 20e-6, 40e-6]).toContain(c.policy!.reserveJ);
      expect(full.encode(c)).toEqual(g);
    }
  });

  it('floor() gives the nesting bound REINFORCE masks with: the same layer in the previous mode', () => {
    const g = full.random(createRng(6));
    expect(full.floor(g, full.sparsityGene(0, 2))).toBe(0);
    expect(full.floor(g, full.sparsityGene(2, 2))).toBe(g[full.sparsityGene(1, 2)]);
    expect(full.floor(g, 0)).toBe(0);
  });

  it('a sparsity-only space describes the candidates the search always had', () => {
    const s = new GenomeSpace({ modes: 2, layers: 2, choices: [0.5, 0.9] });
    const c = s.toCandidate(s.random(createRng(1)));
    expect(c).toMatchObject({ kernel: ['sparse', 'sparse'], granularity: ['unstructured', 'unstructured'], numberFormat: 'float32' });
    expect(c.policy).toBeUndefined();
    expect(s.encode({ sparsity: [[0.5, 0.5], [0.9, 0.5]] })).toEqual(s.repair([0, 1, 1, 0, 0, 0, 0, 1, 0]));
  });

  it('refuses a bad space or a genome of the wrong length with typed errors', () => {
    const err = (f: () => unknown, code: string) => { try { f(); } catch (e) { return isEveError(e, code) ? (e as Error).message : `wrong: ${String(e)}`; } return 'no error'; };
    expect(err(() => new GenomeSpace({ modes: 3, layers: 2, choices: [0.5, 1.2] }), 'SPACE_INVALID')).toMatch(/\[0, 1\)/);
    expect(err(() => new GenomeSpace({ modes: 3, layers: 2, choices: [0.5], granularities: ['diagonal' as never] }), 'SPACE_INVALID')).toMatch(/unknown layer 0 granularity 'diagonal'/);
    expect(err(() => new GenomeSpace({ modes: 3, layers: 2, choices: [0.5], policy: { patience: [1] } as never }), 'SPACE_INVALID')).toMatch(/'patience' is not a mode-policy parameter/);
    expect(err(() => full.repair([0, 1]), 'GENOME_INVALID')).toMatch(/18 genes, got 2/);
    expect(err(() => full.encode({ sparsity: [[0.5, 0.5, 0.5]] }), 'GENOME_INVALID')).toMatch(/3 modes × 3 layers/);
  });
});
