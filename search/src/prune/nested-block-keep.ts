/**
 * Nested 1x4 block magnitude masks: like nestedMagnitudeKeep, but each row is cut into aligned
 * blocks of four consecutive inputs, ranked by the block's L2 norm, and kept or dropped whole, so
 * the package writer can store the layer in the block1x4 kernel format. Ranks are per layer, so a
 * block a sparser mode keeps is kept by every denser mode. A layer whose rows do not split into
 * fours (LeNet-5's 25- and 150-tap conv rows) falls back to per-weight nested magnitude.
 */
import { BLOCK } from '@eve-bench/device-agent';
import type { TrainedModel } from '../train/trained-model.js';
import { nestedMagnitudeKeep, validateSparsity } from './nested-keep.js';

export function nestedBlockMagnitudeKeep(model: TrainedModel, sparsity: number[][]): Int8Array[] {
  validateSparsity(sparsity, model.params.length);
  const perWeight = nestedMagnitudeKeep(model, sparsity);
  return model.params.map((p, l) => {
    if (p.inFeatures % BLOCK !== 0 || p.conv) return perWeight[l]!;
    const blocks = p.weights.length / BLOCK;
    const norm = new Float64Array(blocks);
    for (let b = 0; b < blocks; b++) {
      let s = 0;
      for (let j = 0; j < BLOCK; j++) s += p.weights[b * BLOCK + j]! ** 2;
      norm[b] = s;
    }
    const order = Array.from({ length: blocks }, (_, i) => i).sort((a, b) => norm[b]! - norm[a]! || a - b);
    const keep = new Int8Array(p.weights.length).fill(-1);
    for (let m = sparsity.length - 1; m >= 0; m--) {
      const kept = Math.max(1, Math.round(blocks * (1 - sparsity[m]![l]!)));
      for (let r = 0; r < kept; r++) {
        const at = order[r]! * BLOCK;
        if (keep[at] === -1) keep.fill(m, at, at + BLOCK);
      }
    }
    return keep;
  });
}
