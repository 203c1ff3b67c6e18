/** The bridge to device-agent: shared weights + nested keep arrays -> a ModelSpec to package. */
import { EveError, type KernelFormat, type LayerSpec, type ModelSpec } from '@eve-bench/device-agent';
import type { TrainedModel } from '../train/trained-model.js';

export interface ToSpecOptions {
  name: string;
  modeNames: string[];
  /** Kernel format of every dense layer (default row-prefix sparse). */
  format?: KernelFormat;
}

export function toModelSpec(model: TrainedModel, keep: Int8Array[], o: ToSpecOptions): ModelSpec {
  if (keep.length !== model.params.length) throw new EveError('SPEC_MISMATCH', `${keep.length} keep arrays for ${model.params.length} prunable layers`);
  const layers: LayerSpec[] = [];
  let d = 0;
  for (const l of model.spec.layers) {
    if (l.type === 'dense') {
      const p = model.params[d]!;
      layers.push({ kind: 'dense', inFeatures: p.inFeatures, outFeatures: p.outFeatures, weights: p.weights, bias: p.bias, keep: keep[d]!, format: o.format ?? 'rowPrefixSparse' });
      d++;
    } else if (l.type === 'relu') {
      layers.push({ kind: 'relu' });
    } else {
      layers.push({ kind: 'flatten' });
    }
  }
  return { name: o.name, input: model.spec.input, outputs: model.spec.classes, modes: o.modeNames.map((name) => ({ name })), layers };
}
