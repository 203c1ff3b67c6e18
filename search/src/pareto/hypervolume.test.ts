import { describe, expect, it } from 'vitest';
import { isEveError } from '@eve-bench/device-agent';
import { createRng } from '../rng/rng.js';
import { hypervolume3d, type Point3 } from './hypervolume.js';
import { dominates } from './pareto-front.js';

const ref: Point3 = [1, 1, 1];

/** Monte-Carlo-free check: count grid cells of a fine lattice dominated by some point. */
function gridVolume(points: Point3[], cells: number): number {
  let hit = 0;
  for (let i = 0; i < cells; i++) for (let j = 0; j < cells; j++) for (let k = 0; k < cells; k++) {
    const c = [(i + 0.5) / cells, (j + 0.5) / cells, (k + 0.5) / cells];
    if (points.some((p) => p[0] <= c[0]! && p[1] <= c[1]! && p[2] <= c[2]!)) hit++;
  }
  return hit / cells ** 3;
}

describe('hypervolume3d', () => {
  it('one point: the box to the reference', () => {
    expect(hypervolume3d([[0.5, 0.5, 0.5]], ref)).toBeCloseTo(0.125, 12);
    expect(hypervolume3d([[0, 0, 0]], ref)).toBeCloseTo(1, 12);
  });

  it('two boxes: the sum minus their overlap, by hand', () => {
    // [0.2,1]x[0.6,1]x[0,1] = 0.32 and [0.6,1]x[0.2,1]x[0.5,1] = 0.16, overlap [0.6,1]x[0.6,1]x[0.5,1] = 0.08
    expect(hypervolume3d([[0.2, 0.6, 0], [0.6, 0.2, 0.5]], ref)).toBeCloseTo(0.32 + 0.16 - 0.08, 12);
  });

  it('three mutually non-dominated points on the axes planes, by hand', () => {
    // boxes 0.5x1x1, 1x0.5x1, 1x1x0.5 = 0.5 each; pairwise overlaps 0.25; triple 0.125
    const pts: Point3[] = [[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]];
    expect(hypervolume3d(pts, ref)).toBeCloseTo(1.5 - 0.75 + 0.125, 12);
  });

  it('dominated, duplicate and out-of-reference points add nothing', () => {
    const base = hypervolume3d([[0.2, 0.3, 0.4]], ref);
    expect(hypervolume3d([[0.2, 0.3, 0.4], [0.5, 0.5, 0.5], [0.2, 0.3, 0.4], [1.2, 0, 0], [0, 0, 1]], ref)).toBeCloseTo(base, 12);
    expect(hypervolume3d([], ref)).toBe(0);
  });

  it('agrees with a lattice count on random fronts', () => {
    const rng = createRng(3);
    for (let t = 0; t < 3; t++) {
      // points on a lattice of 1/10 so the 40-cell grid counts them exactly
      const pts = Array.from({ length: 8 }, () => [rng.int(10) / 10, rng.int(10) / 10, rng.int(10) / 10] as Point3);
      expect(hypervolume3d(pts, ref)).toBeCloseTo(gridVolume(pts, 40), 9);
    }
  });

  it('rejects non-finite input with a typed error', () => {
    try { hypervolume3d([[Number.NaN, 0, 0]], ref); expect.unreachable(); } catch (e) { expect(isEveError(e, 'HYPERVOLUME_INPUT')).toBe(true); }
  });

  it('dominance is strict', () => {
    expect(dominates([0, 0, 0], [0, 0, 1])).toBe(true);
    expect(dominates([0, 0, 1], [0, 0, 1])).toBe(false);
    expect(dominates([0, 1, 0], [1, 0, 0])).toBe(false);
  });
});
