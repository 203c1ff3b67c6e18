/**
 * Nested output-channel masks: each row of a layer (a dense layer's output, a conv layer's output
 * channel) is ranked by its L2 norm and kept or dropped whole. Mode m keeps the top
 * round(rows · (1 − s_m)) rows (at least one); ranks are per layer, so a row a sparser mode keeps
 * is kept by every denser mode. A dropped row costs the runtime only its bias and store, whatever
 * the kernel format, so the structure pays off on every device (and in every number format).
 */
import type { DenseParams, TrainedModel } from '../train/trained-model.js';
import { validateSparsity } from './nested-keep.js';
import { nestedGroupKeep } from './nested-group-keep.js';

/** keep[i] for one layer: the sparsest mode (of `sparsity.length`) keeping weight i's row, or -1. */
export function nestedChannelKeepLayer(p: DenseParams, sparsity: readonly number[]): Int8Array {
  return nestedGroupKeep(p.weights, p.inFeatures, sparsity);
}

/** Output-channel masks for every prunable layer; sparsity is [mode][layer], nested. */
export function nestedChannelKeep(model: TrainedModel, sparsity: number[][]): Int8Array[] {
  validateSparsity(sparsity, model.params.length);
  return model.params.map((p, l) => nestedChannelKeepLayer(p, sparsity.map((row) => row[l]!)));
}
