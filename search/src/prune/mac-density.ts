/**
 * How much of a network's multiply-accumulate work each mode still does: every kept weight
 * weighted by the MACs it costs per inference (1 for a dense layer, the output's height × width
 * for a conv). LeNet-5's two convs hold 5 % of its weights but 85 % of its MACs, so a mode's
 * weight sparsity says little about its speed; this density is what the kernels' time follows.
 */
import type { TrainedModel } from '../train/trained-model.js';
import type { PrunableShape } from '../models/network-spec.js';

export function macsPerWeight(p: PrunableShape): number {
  if (!p.conv) return 1;
  const [h, w] = p.conv.input;
  return (h - p.conv.kernelH + 1) * (w - p.conv.kernelW + 1);
}

export interface ModeDensity {
  /** Kept weights ÷ prunable weights. */
  weightDensity: number;
  /** Kept MACs ÷ dense MACs of the prunable layers. */
  macDensity: number;
  /** Per prunable layer, kept ÷ weights. */
  layers: number[];
}

/** Per mode of nested `keep` arrays (keep[i] = sparsest mode keeping weight i, -1 none). */
export function modeDensities(model: TrainedModel, keep: Int8Array[], modes: number): ModeDensity[] {
  return Array.from({ length: modes }, (_, m) => {
    let [kept, total, keptMacs, totalMacs] = [0, 0, 0, 0];
    const layers = model.params.map((p, l) => {
      const k = keep[l]!;
      let n = 0;
      for (let i = 0; i < k.length; i++) if (k[i]! >= m) n++;
      const per = macsPerWeight(p);
      kept += n; total += k.length; keptMacs += n * per; totalMacs += k.length * per;
      return n / k.length;
    });
    return { weightDensity: kept / total, macDensity: keptMacs / totalMacs, layers };
  });
}
