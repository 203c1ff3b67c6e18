/**
 * Exact hypervolume of a set of points in three minimised objectives, with respect to a reference
 * point: the volume of the union of the boxes [p, ref]. Hand-written (no maintained JS library
 * does it) by slicing along the third objective: between consecutive z values, the slice's area is
 * the 2-D hypervolume of the points at or below that z. O(n² log n), plenty for search fronts of
 * a few hundred points. Points not strictly better than `ref` in every objective add nothing.
 */
import { EveError } from '@eve-bench/device-agent';

export type Point3 = readonly [number, number, number];

export function hypervolume3d(points: readonly Point3[], ref: Point3): number {
  for (const p of [...points, ref]) {
    if (p.length !== 3 || !p.every(Number.isFinite)) throw new EveError('HYPERVOLUME_INPUT', `hypervolume needs finite 3-D points, got ${JSON.stringify(p)}`);
  }
  const inside = points.filter((p) => p[0] < ref[0] && p[1] < ref[1] && p[2] < ref[2]);
  const zs = [...new Set(inside.map((p) => p[2]))].sort((a, b) => a - b);
  let volume = 0;
  for (let i = 0; i < zs.length; i++) {
    const top = i + 1 < zs.length ? zs[i + 1]! : ref[2];
    const slice = inside.filter((p) => p[2] <= zs[i]!);
    volume += area2d(slice, ref) * (top - zs[i]!);
  }
  return volume;
}

/** Area dominated by 2-D points (first two coordinates) up to the reference: a staircase sweep. */
function area2d(points: readonly Point3[], ref: Point3): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let area = 0;
  let bestY = ref[1];
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    if (p[1] >= bestY) continue; // dominated in this slice
    // the strip from this x to the next point that lowers y further is bounded below by p's y
    const nextX = sorted.slice(i + 1).find((q) => q[1] < p[1])?.[0] ?? ref[0];
    area += (nextX - p[0]) * (ref[1] - p[1]);
    bestY = p[1];
  }
  return area;
}
