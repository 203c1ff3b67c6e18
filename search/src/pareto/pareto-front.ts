/**
 * The Pareto set kept during a search over three objectives: densest-mode accuracy (higher is
 * better), sparsest-mode energy and package bytes (lower is better). Objectives are normalised so
 * that all three are minimised and the documented reference point is (1, 1, 1):
 *
 *   f1 = (denseAccuracy − accuracy of mode 0) / maxAccuracyDrop   (1 = lost `maxAccuracyDrop`)
 *   f2 = energy of the sparsest mode / energy of the dense model  (1 = no saving)
 *   f3 = package bytes / bytes of the dense package               (1 = no saving)
 *
 * A candidate contributes hypervolume only where it beats the reference in every objective:
 * it must lose less than `maxAccuracyDrop` and be cheaper and smaller than the dense model.
 */
import { EveError } from '@eve-bench/device-agent';
import type { Evaluation } from '../evaluator/evaluator.js';
import type { Scored } from '../strategy/search-strategy.js';
import { hypervolume3d, type Point3 } from './hypervolume.js';

export interface Normalisation {
  denseAccuracy: number;
  /** Accuracy (fraction, e.g. 0.1 = ten points) whose loss puts f1 at the reference. */
  maxAccuracyDrop: number;
  denseEnergyUj: number;
  densePackageBytes: number;
}

export const REFERENCE_POINT: Point3 = [1, 1, 1];

export function objectives(ev: Evaluation, n: Normalisation): Point3 {
  const first = ev.modes[0];
  const last = ev.modes[ev.modes.length - 1];
  if (!first || !last) throw new EveError('EVALUATION_INVALID', 'an evaluation without modes has no objectives');
  if (ev.packageBytes === undefined) throw new EveError('EVALUATION_INVALID', 'an evaluation without packageBytes has no size objective');
  return [(n.denseAccuracy - first.accuracy) / n.maxAccuracyDrop, last.energyUj / n.denseEnergyUj, ev.packageBytes / n.densePackageBytes];
}

/** True when a is no worse than b everywhere and better somewhere (all minimised). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/** The non-dominated feasible evaluations, in the order they were found. */
export function paretoFront(history: readonly Scored[], n: Normalisation): Scored[] {
  const feasible = history.filter((h) => h.score.feasible);
  const pts = feasible.map((h) => objectives(h.evaluation, n));
  return feasible.filter((_, i) => !pts.some((q, j) => j !== i && dominates(q, pts[i]!)));
}

/** Hypervolume of the feasible evaluations in `history` (the front's, since dominated points add none). */
export function searchHypervolume(history: readonly Scored[], n: Normalisation): number {
  return hypervolume3d(history.filter((h) => h.score.feasible).map((h) => objectives(h.evaluation, n)), REFERENCE_POINT);
}
