/**
 * Fallback when no trained models exist: LeNet-300-100 and LeNet-5 with He-initialised random
 * weights and nested magnitude masks at 50/80/90 % in every layer. It measures speed and sizes
 * only — no accuracy, so no policy table either.
 */
import { writePackage } from '../format/writer.js';
import { readPackage } from '../format/reader.js';
import type { ModelSpec } from '../format/model-spec.js';
import { mulberry32 } from '../harvest/generators.js';
import { measureNetworkSpeed } from './network-speed.js';
import { BENCH_NETWORKS, randomNetwork } from './random-network.js';

export const SPARSITY = [0.5, 0.8, 0.9];
export const RANDOM_NETWORKS = ['lenet-300-100', 'lenet-5'] as const;

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
}

/** Random network; keep[i] by per-layer magnitude rank: nested by construction. */
export function randomMagnitudeSpec(dims: number[], modes: number[], format: 'dense' | 'rowPrefixSparse', seed: number): ModelSpec {
  const u = mulberry32(seed);
  const layers: ModelSpec['layers'] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const [cin, cout] = [dims[l]!, dims[l + 1]!];
    const weights = Float32Array.from({ length: cin * cout }, () => gaussian(u) * Math.sqrt(2 / cin));
    const order = Array.from(weights.keys()).sort((a, b) => Math.abs(weights[b]!) - Math.abs(weights[a]!));
    const keep = new Int8Array(weights.length).fill(-1);
    for (let m = modes.length - 1; m >= 0; m--) {
      const kept = Math.round(weights.length * (1 - modes[m]!));
      for (let r = 0; r < kept; r++) if (keep[order[r]!] === -1) keep[order[r]!] = m;
    }
    layers.push({ kind: 'dense', inFeatures: cin, outFeatures: cout, weights, bias: new Float32Array(cout), keep, format });
    if (l + 2 < dims.length) layers.push({ kind: 'relu' });
  }
  return { name: 'bench', input: [1, 1, dims[0]!], outputs: dims[dims.length - 1]!, modes: modes.map((_, i) => ({ name: `m${i}` })), layers };
}

/** The seeded packages the fallback measures: the shared 3-mode one and the dense baseline. */
export function randomBenchPackages(name: string) {
  const net = BENCH_NETWORKS[name]!;
  return {
    shared: readPackage(writePackage(randomNetwork(name, net, SPARSITY, 'rowPrefixSparse', 1))),
    dense: readPackage(writePackage(randomNetwork(name, net, [0], 'dense', 1))),
  };
}

export function benchRandomNetwork(name: string, { shared, dense } = randomBenchPackages(name)) {
  const length = shared.input[0] * shared.input[1] * shared.input[2];
  const x = Float32Array.from({ length }, (_, i) => (i % 7) / 7);
  const separate = SPARSITY.map((s) => writePackage(randomNetwork(name, BENCH_NETWORKS[name]!, [s], 'rowPrefixSparse', 1)).length);
  const speed = measureNetworkSpeed(shared, dense, x, separate);
  const modes = speed.modes.map((m) => ({ ...m, accuracy: null as number | null }));
  return { network: name, weights: 'random', ...speed.summary, modes };
}
