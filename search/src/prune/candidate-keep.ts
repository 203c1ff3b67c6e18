/**
 * The nested masks a candidate ships with: per layer by its granularity (per weight, per aligned
 * 1x4 block, per output channel). A dense-kernel layer is unpruned whatever sparsities it lists
 * (the decoder writes 0), so every weight is kept by all modes, as the dense format requires.
 */
import { granularityOf, kernelOf, type Candidate } from '../space/candidate.js';
import type { TrainedModel } from '../train/trained-model.js';
import { nestedBlockMagnitudeKeep } from './nested-block-keep.js';
import { nestedChannelKeepLayer } from './nested-channel-keep.js';
import { magnitudeOrders, nestedMagnitudeKeep, validateSparsity } from './nested-keep.js';

/** `orders`: the model's magnitudeOrders, when the caller builds many masks for one model. */
export function candidateKeep(model: TrainedModel, c: Candidate, orders?: Uint32Array[]): Int8Array[] {
  validateSparsity(c.sparsity, model.params.length);
  const sparsity = c.sparsity.map((row) => row.map((s, l) => (kernelOf(c, l) === 'dense' ? 0 : s)));
  const structured = model.params.some((_, l) => kernelOf(c, l) === 'sparse' && granularityOf(c, l) !== 'unstructured');
  const perWeight = nestedMagnitudeKeep(model, sparsity, orders ?? magnitudeOrders(model));
  if (!structured) return perWeight;
  return model.params.map((p, l) => {
    const column = sparsity.map((row) => row[l]!);
    if (kernelOf(c, l) === 'dense') return perWeight[l]!;
    switch (granularityOf(c, l)) {
      case 'unstructured': return perWeight[l]!;
      case 'channel': return nestedChannelKeepLayer(p, column);
      case 'block1x4': return nestedBlockMagnitudeKeep({ spec: model.spec, params: [p] }, column.map((s) => [s]))[0]!;
    }
  });
}
