/**
 * A float32 package back to the writer's input, so a package (e.g. a trained one from the search)
 * can be re-encoded — quantized to int8, or stored with other kernel formats. Pruned weights
 * come back as 0 with keep -1; a stored weight's keep is the sparsest mode whose row prefix holds it.
 */
import { EveError } from '../errors/eve-error.js';
import type { LayerSpec, ModelSpec } from './model-spec.js';
import type { EvePackage, WeightedStorage } from './package-types.js';

function denseWeights(l: WeightedStorage, modes: number): { weights: Float32Array; keep: Int8Array } {
  const n = l.inFeatures * l.outFeatures;
  const weights = new Float32Array(n);
  const keep = new Int8Array(n).fill(-1);
  if (l.format === 'dense') {
    weights.set(l.values);
    for (let i = 0; i < n; i++) if (l.values[i] !== 0) keep[i] = modes - 1;
    return { weights, keep };
  }
  for (let r = 0; r < l.outFeatures; r++) {
    for (let m = 0; m < modes; m++) {
      // entries up to mode m's end and past the sparser mode's end are kept by m at most
      const from = m + 1 < modes ? l.rowEnds[(m + 1) * l.outFeatures + r]! : l.rowStarts[r]!;
      for (let i = from; i < l.rowEnds[m * l.outFeatures + r]!; i++) {
        const flat = r * l.inFeatures + l.columns[i]!;
        weights[flat] = l.values[i]!;
        keep[flat] = m;
      }
    }
  }
  return { weights, keep };
}

export function specFromPackage(pkg: EvePackage): ModelSpec {
  if (pkg.dtype !== 'float32') throw new EveError('PKG_DTYPE', `package '${pkg.name}' is ${pkg.dtype}; only float32 packages convert back to a spec`);
  const modes = pkg.modes.length;
  const layers = pkg.layers.map((l): LayerSpec => {
    if (l.kind === 'dense') return { kind: 'dense', inFeatures: l.inFeatures, outFeatures: l.outFeatures, bias: Float32Array.from(l.bias), format: l.format, ...denseWeights(l, modes) };
    if (l.kind === 'conv2d') return { kind: 'conv2d', input: l.input, kernelH: l.kernelH, kernelW: l.kernelW, outChannels: l.outFeatures, bias: Float32Array.from(l.bias), format: l.format, ...denseWeights(l, modes) };
    if (l.kind === 'maxpool') return { kind: 'maxpool', input: l.input, size: l.size };
    return { kind: l.kind };
  });
  return { name: pkg.name, input: pkg.input, outputs: pkg.outputs, modes: pkg.modes.map((m) => ({ name: m.name })), layers };
}
