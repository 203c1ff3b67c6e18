/** Random packages for tests, fuzzing and benchmarks: seeded weights with nested random masks. */
import type { ModelSpec } from './model-spec.js';
import { mulberry32 } from '../harvest/generators.js';

/** A 3-mode MLP with random weights and nested random masks. */
export function randomSpec(seed = 1, dims = [20, 12, 5]): ModelSpec {
  const u = mulberry32(seed);
  const layers: ModelSpec['layers'] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const n = dims[l]! * dims[l + 1]!;
    const weights = Float32Array.from({ length: n }, () => u() * 2 - 1);
    // keep: -1 pruned everywhere (20 %), else the sparsest mode that keeps it
    const keep = Int8Array.from({ length: n }, () => { const r = u(); return r < 0.2 ? -1 : r < 0.5 ? 0 : r < 0.75 ? 1 : 2; });
    layers.push({ kind: 'dense', inFeatures: dims[l]!, outFeatures: dims[l + 1]!, weights, bias: Float32Array.from({ length: dims[l + 1]! }, () => u() - 0.5), keep, format: 'rowPrefixSparse' });
    if (l + 2 < dims.length) layers.push({ kind: 'relu' });
  }
  return { name: 'random-mlp', input: [1, 1, dims[0]!], outputs: dims[dims.length - 1]!, modes: [{ name: 'high' }, { name: 'mid' }, { name: 'low' }], layers };
}

/** A small 3-mode LeNet-style network with random weights: conv 3x3 -> relu -> maxpool 2 -> flatten -> dense. */
export function randomConvSpec(format: 'dense' | 'rowPrefixSparse', seed = 1): ModelSpec {
  const u = mulberry32(seed);
  const convW = Float32Array.from({ length: 4 * 3 * 3 * 2 }, () => u() * 2 - 1);
  const denseW = Float32Array.from({ length: 10 * 5 * 5 * 4 }, () => u() * 2 - 1);
  const keep = (n: number) => Int8Array.from({ length: n }, () => (format === 'dense' ? 2 : [-1, 0, 1, 2][Math.floor(u() * 4)]!));
  return {
    name: 'tiny-lenet', input: [12, 12, 2], outputs: 10, modes: [{ name: 'high' }, { name: 'mid' }, { name: 'low' }],
    layers: [
      { kind: 'conv2d', input: [12, 12, 2], kernelH: 3, kernelW: 3, outChannels: 4, weights: convW, bias: Float32Array.from([0.1, -0.2, 0.3, 0]), keep: keep(convW.length), format },
      { kind: 'relu' },
      { kind: 'maxpool', input: [10, 10, 4], size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', inFeatures: 100, outFeatures: 10, weights: denseW, bias: new Float32Array(10), keep: keep(denseW.length), format },
    ],
  };
}

/**
 * A 3-mode MLP whose masks keep or drop aligned 1x4 blocks together (each block's keep tier drawn
 * once), stored as block1x4. `inputs` must be a multiple of 4.
 */
export function randomBlockSpec(seed = 1, dims = [24, 12, 5]): ModelSpec {
  const u = mulberry32(seed);
  const spec = randomSpec(seed, dims);
  spec.name = 'random-block-mlp';
  for (const l of spec.layers) {
    if (l.kind !== 'dense') continue;
    for (let i = 0; i < l.keep.length; i += 4) {
      const r = u();
      l.keep.fill(r < 0.2 ? -1 : r < 0.5 ? 0 : r < 0.75 ? 1 : 2, i, i + 4);
    }
    // a row width that does not split into 4s (the 5-output last layer's 12 inputs do) stays row-prefix
    l.format = l.inFeatures % 4 === 0 ? 'block1x4' : 'rowPrefixSparse';
  }
  return spec;
}

/**
 * A small CNN (28x28x1 -> conv3x3x8 -> conv3x3x16 -> pool 4 -> dense 10, ~0.7 M MACs, 6 k weights):
 * many MCU cycles per byte on the wire and per millisecond of host CPU, so measurement tests get
 * the simulated seconds a 20-readings/s supply needs without thousands of round trips.
 */
export function measurementConvSpec(seed: number): ModelSpec {
  const u = mulberry32(seed);
  const w = (n: number) => Float32Array.from({ length: n }, () => (u() * 2 - 1) * 0.3);
  const conv = (input: readonly [number, number, number], outChannels: number) => {
    const n = outChannels * 9 * input[2];
    return { kind: 'conv2d' as const, input, kernelH: 3, kernelW: 3, outChannels, weights: w(n), bias: w(outChannels), keep: new Int8Array(n).fill(0), format: 'dense' as const };
  };
  return {
    name: 'conv-test', input: [28, 28, 1], outputs: 10, modes: [{ name: 'dense' }],
    layers: [
      conv([28, 28, 1], 8), { kind: 'relu' },
      conv([26, 26, 8], 16), { kind: 'relu' },
      { kind: 'maxpool', input: [24, 24, 16], size: 4 }, { kind: 'flatten' },
      { kind: 'dense', inFeatures: 576, outFeatures: 10, weights: w(5760), bias: w(10), keep: new Int8Array(5760), format: 'dense' },
    ],
  };
}
