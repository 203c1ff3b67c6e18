/**
 * The inverse of the writer: a parsed package back to a ModelSpec (weights in row layout, each
 * weight's keep tier recovered from the row ends), so a package (e.g. a trained one from the
 * search) can be re-encoded: quantized to int8, stored with other kernel formats, or one mode
 * stored alone. Tests use it to check that a round trip loses nothing.
 */
import { EveError } from '../errors/eve-error.js';
import type { LayerSpec, ModelSpec } from './model-spec.js';
import type { EvePackage, WeightedStorage } from './package-types.js';
import { BLOCK } from './keep-layout.js';

function decodeRows(l: WeightedStorage, modes: number): { weights: Float32Array; keep: Int8Array } {
  const { inFeatures: cols, outFeatures: rows } = l;
  const weights = new Float32Array(rows * cols);
  const keep = new Int8Array(rows * cols).fill(-1);
  if (l.format === 'dense') {
    weights.set(l.values);
    for (let i = 0; i < keep.length; i++) if (l.values[i] !== 0) keep[i] = modes - 1;
    return { weights, keep };
  }
  const unit = l.format === 'block1x4' ? BLOCK : 1;
  for (let r = 0; r < rows; r++) {
    // entry j of row r is kept up to the sparsest mode whose prefix still contains it
    for (let j = l.rowStarts[r]!; j < l.rowStarts[r + 1]!; j++) {
      let tier = -1;
      for (let m = modes - 1; m >= 0; m--) if (j < l.rowEnds[m * rows + r]!) { tier = m; break; }
      for (let k = 0; k < unit; k++) {
        const at = r * cols + l.columns[j]! + k;
        weights[at] = l.values[j * unit + k]!;
        keep[at] = tier;
      }
    }
  }
  return { weights, keep };
}

export function specFromPackage(pkg: EvePackage): ModelSpec {
  if (pkg.dtype !== 'float32') throw new EveError('PKG_DTYPE', `package '${pkg.name}' is ${pkg.dtype}; only float32 packages convert back to a spec`);
  const modes = pkg.modes.length;
  const layers = pkg.layers.map((l): LayerSpec => {
    if (l.kind === 'dense') {
      return { kind: 'dense', inFeatures: l.inFeatures, outFeatures: l.outFeatures, bias: l.bias.slice(), format: l.format, ...decodeRows(l, modes) };
    }
    if (l.kind === 'conv2d') {
      return { kind: 'conv2d', input: l.input, kernelH: l.kernelH, kernelW: l.kernelW, outChannels: l.outFeatures, bias: l.bias.slice(), format: l.format, ...decodeRows(l, modes) };
    }
    if (l.kind === 'maxpool') return { kind: 'maxpool', input: l.input, size: l.size };
    return { kind: l.kind };
  });
  return { name: pkg.name, input: pkg.input, outputs: pkg.outputs, modes: pkg.modes.map((m) => ({ name: m.name })), layers };
}

/** Mode `mode` of a spec as a one-mode spec (what storing that model alone would hold). */
export function singleModeSpec(spec: ModelSpec, mode: number): ModelSpec {
  const layers = spec.layers.map((l): LayerSpec => {
    if (l.kind !== 'dense' && l.kind !== 'conv2d') return l;
    return { ...l, keep: Int8Array.from(l.keep, (k) => (k >= mode ? 0 : -1)) };
  });
  return { ...spec, modes: [spec.modes[mode]!], layers };
}
