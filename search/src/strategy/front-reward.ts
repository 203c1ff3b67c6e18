/**
 * The multi-objective part of REINFORCE's reward. The search is judged by the hypervolume of its
 * feasible evaluations, not by one scalar, so a controller rewarded only for the harvest objective
 * converges on one corner of the front. A feasible candidate here earns, besides its scalar share,
 *
 *   box    the hypervolume it dominates on its own, Π (1 − f_i) in normalised objectives with
 *          the reference (1, …, 1): good in every objective at once is what hypervolume measures;
 *   share  the part of the front's hypervolume only it adds, (HV(A ∪ p) − HV(A)) / HV(A ∪ p) for
 *          the archive A of feasible points so far: 1 for the first, 0 for a dominated one, so
 *          the controller is paid for spreading the front rather than for repeating its corner.
 *
 * The archive keeps only non-dominated points (dominated ones add no hypervolume), so it stays as
 * small as the front. It is plain JSON, part of the strategy's snapshot.
 */
import { EveError } from '@eve-bench/device-agent';
import { hypervolume3d, type Point3 } from '../pareto/hypervolume.js';
import { dominates, REFERENCE_POINT } from '../pareto/pareto-front.js';

export interface FrontTerms {
  box: number;
  share: number;
}

export class FrontArchive {
  private points: Point3[] = [];

  /** The candidate's front terms against the archive so far; then the archive takes it in. */
  add(p: Point3): FrontTerms {
    if (p.length !== 3 || !p.every(Number.isFinite)) throw new EveError('REWARD_INVALID', `front reward needs a finite 3-D point, got ${JSON.stringify(p)}`);
    const box = p.reduce((v, f, i) => v * Math.max(0, REFERENCE_POINT[i]! - f), 1);
    if (box === 0 || this.points.some((q) => dominates(q, p) || q.every((x, i) => x === p[i]))) return { box, share: 0 };
    const before = hypervolume3d(this.points, REFERENCE_POINT);
    this.points = [...this.points.filter((q) => !dominates(p, q)), p];
    const after = hypervolume3d(this.points, REFERENCE_POINT);
    return { box, share: after > 0 ? (after - before) / after : 0 };
  }

  toJSON(): Point3[] { return this.points; }

  static from(v: unknown): FrontArchive {
    if (!Array.isArray(v) || !v.every((p) => Array.isArray(p) && p.length === 3 && p.every(Number.isFinite))) {
      throw new EveError('SNAPSHOT_INVALID', 'a front archive is a list of finite 3-D points');
    }
    const a = new FrontArchive();
    a.points = v.map((p) => [p[0], p[1], p[2]] as Point3);
    return a;
  }
}
