/** The bridge to device-agent: shared weights + nested keep arrays -> a ModelSpec to package. */
import { EveError, type KernelFormat, type LayerSpec, type ModelSpec } from '@eve-bench/device-agent';
import type { TrainedModel } from '../train/trained-model.js';
import { layerInputShapes } from '../models/network-spec.js';

export interface ToSpecOptions {
  name: string;
  modeNames: string[];
  /**
   * Kernel format of every prunable layer, or one per prunable layer (a candidate's
   * `layerFormats`). Default: 'dense' for a layer with one mode and nothing pruned (the dense
   * baseline), 'rowPrefixSparse' otherwise.
   */
  format?: KernelFormat | readonly KernelFormat[];
}

export function toModelSpec(model: TrainedModel, keep: Int8Array[], o: ToSpecOptions): ModelSpec {
  if (keep.length !== model.params.length) throw new EveError('SPEC_MISMATCH', `${keep.length} keep arrays for ${model.params.length} prunable layers`);
  const modes = o.modeNames.length;
  if (Array.isArray(o.format) && o.format.length !== keep.length) throw new EveError('SPEC_MISMATCH', `${o.format.length} kernel formats for ${keep.length} prunable layers`);
  keep.forEach((k, d) => {
    if (k.length !== model.params[d]!.weights.length) throw new EveError('SPEC_MISMATCH', `prunable layer ${d}: ${k.length} keep entries for ${model.params[d]!.weights.length} weights`);
    const top = k.reduce((a, b) => Math.max(a, b), -1);
    if (top >= modes) throw new EveError('SPEC_MISMATCH', `prunable layer ${d} keeps weights up to mode ${top}, but only ${modes} mode names were given`);
  });
  const layers: LayerSpec[] = [];
  const shapes = layerInputShapes(model.spec);
  let d = 0;
  model.spec.layers.forEach((l, i) => {
    if (l.type === 'dense' || l.type === 'conv2d') {
      const p = model.params[d]!;
      const given = Array.isArray(o.format) ? o.format[d] : o.format as KernelFormat | undefined;
      const format = given ?? (modes === 1 && keep[d]!.every((k) => k === 0) ? 'dense' : 'rowPrefixSparse');
      if (p.conv) {
        layers.push({ kind: 'conv2d', input: p.conv.input, kernelH: p.conv.kernelH, kernelW: p.conv.kernelW, outChannels: p.outFeatures, weights: p.weights, bias: p.bias, keep: keep[d]!, format });
      } else {
        layers.push({ kind: 'dense', inFeatures: p.inFeatures, outFeatures: p.outFeatures, weights: p.weights, bias: p.bias, keep: keep[d]!, format });
      }
      d++;
    } else if (l.type === 'maxpool') {
      layers.push({ kind: 'maxpool', input: shapes[i]!, size: l.size });
    } else {
      layers.push({ kind: l.type });
    }
  });
  return { name: o.name, input: model.spec.input, outputs: model.spec.classes, modes: o.modeNames.map((name) => ({ name })), layers };
}
