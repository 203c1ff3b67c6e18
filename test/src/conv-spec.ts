import { mulberry32, type ModelSpec } from '@eve-bench/device-agent';

/**
 * A small CNN (28x28x1 -> conv3x3x8 -> conv3x3x16 -> pool 4 -> dense 10, ~0.7 M MACs, 6 k weights):
 * many MCU cycles per byte on the wire and per millisecond of host CPU, so measurement tests get
 * the simulated seconds a 20-readings/s supply needs without thousands of round trips.
 */
export function convSpec(seed: number): ModelSpec {
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
