/**
 * The Pareto set over (densest-mode accuracy ↑, sparsest-mode energy ↓, package bytes ↓): the
 * candidates no other candidate beats on all three at once.
 */
import type { Evaluation } from '../evaluator/evaluator.js';

export function objectives(e: Evaluation): [number, number, number] {
  return [e.modes[0]!.accuracy, -e.modes[e.modes.length - 1]!.energyUj, -(e.packageBytes ?? 0)];
}

/** Indices (into `evals`) of the non-dominated evaluations, in input order; duplicates keep the first. */
export function paretoFront(evals: readonly Evaluation[]): number[] {
  const objs = evals.map(objectives);
  return objs.flatMap((a, i) => {
    const dominated = objs.some((b, j) => j !== i && b.every((v, k) => v >= a[k]!) && (b.some((v, k) => v > a[k]!) || j < i));
    return dominated ? [] : [i];
  });
}
