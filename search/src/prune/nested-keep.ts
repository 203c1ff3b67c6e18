/**
 * Nested magnitude masks. For each prunable layer and each mode, the mode keeps the weights whose
 * magnitude is at or above that mode's threshold (the |w| quantile at its sparsity). Thresholds
 * grow with sparsity, so a weight kept by a sparser mode is kept by every denser one: the masks
 * nest by construction. keep[i] = the sparsest mode that keeps weight i, or -1.
 */
import { EveError } from '@eve-bench/device-agent';
import type { TrainedModel } from '../train/trained-model.js';

export function validateSparsity(sparsity: number[][], layers: number): void {
  if (sparsity.length < 1 || sparsity.length > 8) throw new EveError('CANDIDATE_INVALID', `a candidate has 1..8 modes, got ${sparsity.length}`);
  sparsity.forEach((row, m) => {
    if (row.length !== layers) throw new EveError('CANDIDATE_INVALID', `mode ${m} gives ${row.length} layer sparsities, the network has ${layers} prunable layers`);
    row.forEach((s, l) => {
      if (!(s >= 0 && s < 1)) throw new EveError('CANDIDATE_INVALID', `mode ${m} layer ${l}: sparsity ${s} is not in [0, 1)`);
      if (m > 0 && s < sparsity[m - 1]![l]!) throw new EveError('CANDIDATE_INVALID', `mode ${m} layer ${l}: sparsity ${s} is below mode ${m - 1}'s ${sparsity[m - 1]![l]} (modes must nest)`);
    });
  });
}

/**
 * Each layer's weight indices by decreasing magnitude (ties by index). Sorting dominates the cost
 * of building masks, so callers that build many masks for one model compute this once.
 */
export function magnitudeOrders(model: TrainedModel): Uint32Array[] {
  return model.params.map((p) => {
    const mag = p.weights.map(Math.abs);
    return Uint32Array.from({ length: p.weights.length }, (_, i) => i).sort((a, b) => mag[b]! - mag[a]! || a - b);
  });
}

export function nestedMagnitudeKeep(model: TrainedModel, sparsity: number[][], orders: Uint32Array[] = magnitudeOrders(model)): Int8Array[] {
  validateSparsity(sparsity, model.params.length);
  return model.params.map((p, l) => {
    const n = p.weights.length;
    // mode m keeps the top (1 - s_m) n weights by magnitude
    const order = orders[l]!;
    const keep = new Int8Array(n).fill(-1);
    for (let m = sparsity.length - 1; m >= 0; m--) {
      const kept = Math.max(1, Math.round(n * (1 - sparsity[m]![l]!)));
      for (let r = 0; r < kept; r++) if (keep[order[r]!] === -1) keep[order[r]!] = m;
    }
    return keep;
  });
}
