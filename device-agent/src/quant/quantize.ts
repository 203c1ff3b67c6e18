/**
 * Post-training quantization to the int8 number format (fixed-point.ts). Activation scales come
 * from calibration: every mode of the float32 model runs on every calibration input, and each
 * weighted layer's output scale covers the largest value seen in any mode (the modes share one
 * weight region, so they share scales too). A layer whose output goes through ReLU (possibly
 * after max pooling) only needs its positive range; others need the largest magnitude.
 */
import { EveError } from '../errors/eve-error.js';
import type { LayerQuant, ModelSpec } from '../format/model-spec.js';
import type { EvePackage } from '../format/package-types.js';
import { readPackage } from '../format/reader.js';
import { specFromPackage } from '../format/decode-spec.js';
import { writePackage } from '../format/writer.js';
import { createWorkspace, extract } from '../runtime/extract.js';
import { INPUT_SCALE } from './fixed-point.js';

function isPackage(x: ModelSpec | EvePackage): x is EvePackage {
  return 'buffer' in x;
}

function feedsRelu(spec: ModelSpec, i: number): boolean {
  for (let j = i + 1; j < spec.layers.length; j++) {
    const k = spec.layers[j]!.kind;
    if (k === 'relu') return true;
    if (k !== 'maxpool' && k !== 'flatten') return false;
  }
  return false;
}

/** The int8 spec of a float32 model (write it with writePackage). Needs ≥ 1 calibration input. */
export function quantize(source: ModelSpec | EvePackage, calibration: readonly Uint8Array[]): ModelSpec {
  const spec = isPackage(source) ? specFromPackage(source) : source;
  if ((spec.numberFormat ?? 'float32') !== 'float32') throw new EveError('QUANT_SOURCE', `'${spec.name}' is already ${spec.numberFormat}`);
  if (calibration.length === 0) throw new EveError('QUANT_CALIBRATION', 'quantization needs at least one calibration input');
  const pkg = isPackage(source) ? source : readPackage(writePackage(spec));
  const ws = createWorkspace(pkg);
  const positive = new Float64Array(spec.layers.length);
  const magnitude = new Float64Array(spec.layers.length);
  const tap = (i: number, out: Float32Array) => {
    const k = spec.layers[i]!.kind;
    if (k !== 'dense' && k !== 'conv2d') return;
    let [p, m] = [positive[i]!, magnitude[i]!];
    for (let j = 0; j < out.length; j++) {
      const v = out[j]!;
      if (v > p) p = v;
      if (Math.abs(v) > m) m = Math.abs(v);
    }
    [positive[i], magnitude[i]] = [p, m];
  };
  for (let mode = 0; mode < pkg.modes.length; mode++) {
    const model = extract(pkg, mode, ws);
    for (const x of calibration) model.runUint8(x, tap);
  }
  let inScale = INPUT_SCALE;
  const quant = spec.layers.map((l, i): LayerQuant | undefined => {
    if (l.kind !== 'dense' && l.kind !== 'conv2d') return undefined;
    const range = feedsRelu(spec, i) ? positive[i]! : magnitude[i]!;
    // a layer that never produced a non-zero value keeps a unit scale (its outputs quantize to 0)
    const outScale = Math.fround(range > 0 ? range / 127 : 1);
    const q = { inScale: Math.fround(inScale), outScale };
    inScale = outScale;
    return q;
  });
  return { ...spec, numberFormat: 'int8', quant };
}
