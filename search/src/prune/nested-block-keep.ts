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
import { nestedGroupKeep } from './nested-group-keep.js';

export function nestedBlockMagnitudeKeep(model: TrainedModel, sparsity: number[][]): Int8Array[] {
  validateSparsity(sparsity, model.params.length);
  const perWeight = nestedMagnitudeKeep(model, sparsity);
  return model.params.map((p, l) => {
    if (p.inFeatures % BLOCK !== 0 || p.conv) return perWeight[l]!;
    return nestedGroupKeep(p.weights, BLOCK, sparsity.map((row) => row[l]!));
  });
}
