/**
 * Random stand-ins for the benchmark's networks until trained packages sit in bench/models/:
 * He-initialised weights, per-layer nested magnitude masks (mode m keeps the largest
 * (1 - sparsity) of each layer's weights, so masks nest by construction as long as each layer's
 * sparsity does not fall from one mode to the next).
 */
import type { LayerSpec, ModelSpec, Shape3 } from '../format/model-spec.js';
import { mulberry32 } from '../harvest/generators.js';

export type NetLayer = { type: 'dense'; units: number } | { type: 'conv2d'; filters: number; kernel: number } | { type: 'maxpool'; size: number } | { type: 'relu' } | { type: 'flatten' };

export interface NetDef { input: Shape3; layers: NetLayer[] }

export const BENCH_NETWORKS: Record<string, NetDef> = {
  'lenet-300-100': { input: [1, 1, 784], layers: [{ type: 'dense', units: 300 }, { type: 'relu' }, { type: 'dense', units: 100 }, { type: 'relu' }, { type: 'dense', units: 10 }] },
  'lenet-5': {
    input: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters: 6, kernel: 5 }, { type: 'relu' }, { type: 'maxpool', size: 2 },
      { type: 'conv2d', filters: 16, kernel: 5 }, { type: 'relu' }, { type: 'maxpool', size: 2 },
      { type: 'flatten' }, { type: 'dense', units: 120 }, { type: 'relu' }, { type: 'dense', units: 84 }, { type: 'relu' }, { type: 'dense', units: 10 },
    ],
  },
  'mlp-small': { input: [1, 1, 784], layers: [{ type: 'dense', units: 128 }, { type: 'relu' }, { type: 'dense', units: 64 }, { type: 'relu' }, { type: 'dense', units: 10 }] },
};

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
}

function nestedKeep(weights: Float32Array, sparsity: number[]): Int8Array {
  const order = Array.from(weights.keys()).sort((a, b) => Math.abs(weights[b]!) - Math.abs(weights[a]!));
  const keep = new Int8Array(weights.length).fill(-1);
  for (let m = sparsity.length - 1; m >= 0; m--) {
    const kept = Math.round(weights.length * (1 - sparsity[m]!));
    for (let r = 0; r < kept; r++) if (keep[order[r]!] === -1) keep[order[r]!] = m;
  }
  return keep;
}

/**
 * A mode's sparsity: one for every weighted layer, or one per weighted layer (in order). Modes go
 * densest first; a single 0 gives the dense baseline. The weights depend only on the network and
 * the seed, so packages of different sparsities share them.
 */
export type ModeSparsity = number | readonly number[];

export function randomNetwork(name: string, net: NetDef, sparsity: readonly ModeSparsity[], format: 'dense' | 'rowPrefixSparse', seed: number): ModelSpec {
  const u = mulberry32(seed);
  let shape: Shape3 = net.input;
  let weighted = 0;
  const layers: LayerSpec[] = net.layers.map((l): LayerSpec => {
    if (l.type === 'dense' || l.type === 'conv2d') {
      const j = weighted++;
      const layerSparsity = sparsity.map((s) => (typeof s === 'number' ? s : s[j]!));
      const cols = l.type === 'dense' ? shape[0] * shape[1] * shape[2] : l.kernel * l.kernel * shape[2];
      const rows = l.type === 'dense' ? l.units : l.filters;
      const weights = Float32Array.from({ length: rows * cols }, () => gaussian(u) * Math.sqrt(2 / cols));
      const bias = Float32Array.from({ length: rows }, () => gaussian(u) * 0.05);
      const common = { weights, bias, keep: nestedKeep(weights, layerSparsity), format };
      if (l.type === 'dense') { shape = [1, 1, rows]; return { kind: 'dense', inFeatures: cols, outFeatures: rows, ...common }; }
      const input = shape;
      shape = [shape[0] - l.kernel + 1, shape[1] - l.kernel + 1, rows];
      return { kind: 'conv2d', input, kernelH: l.kernel, kernelW: l.kernel, outChannels: rows, ...common };
    }
    if (l.type === 'maxpool') { const input = shape; shape = [Math.floor(shape[0] / l.size), Math.floor(shape[1] / l.size), shape[2]]; return { kind: 'maxpool', input, size: l.size }; }
    if (l.type === 'flatten') shape = [1, 1, shape[0] * shape[1] * shape[2]];
    return { kind: l.type };
  });
  return { name, input: net.input, outputs: shape[0] * shape[1] * shape[2], modes: sparsity.map((_, i) => ({ name: `m${i}` })), layers };
}
