import { describe, expect, it } from 'vitest';
import { BENCH_NETWORKS, randomNetwork } from './random-network.js';
import type { LayerSpec } from '../format/model-spec.js';

type Weighted = Extract<LayerSpec, { kind: 'dense' | 'conv2d' }>;
const weighted = (layers: LayerSpec[]) => layers.filter((l): l is Weighted => l.kind === 'dense' || l.kind === 'conv2d');
/** Fraction of a layer's weights mode m drops (keep[i] >= m keeps weight i in mode m). */
const sparsity = (l: Weighted, m: number) => l.keep.filter((k) => k < m).length / l.keep.length;

describe('random bench networks', () => {
  it('take a sparsity per weighted layer and mode, nested from mode to mode', () => {
    const modes = [[0.3, 0.5, 0.5, 0.5, 0.5], [0.5, 0.8, 0.8, 0.8, 0.8], [0.6, 0.9, 0.95, 0.95, 0.95]];
    const spec = randomNetwork('lenet-5', BENCH_NETWORKS['lenet-5']!, modes, 'rowPrefixSparse', 1);
    const layers = weighted(spec.layers);
    expect(layers.map((l) => l.kind)).toEqual(['conv2d', 'conv2d', 'dense', 'dense', 'dense']);
    layers.forEach((l, j) => modes.forEach((mode, m) => expect(sparsity(l, m)).toBeCloseTo(mode[j]!, 2)));
    expect(spec.outputs).toBe(10);
  });

  it('share their weights across sparsities, and size the output from the last layer', () => {
    const conv = { input: [12, 12, 6] as [number, number, number], layers: [{ type: 'conv2d' as const, filters: 16, kernel: 5 }, { type: 'relu' as const }, { type: 'flatten' as const }] };
    const [a, b] = [randomNetwork('c', conv, [0.5], 'rowPrefixSparse', 3), randomNetwork('c', conv, [0], 'dense', 3)];
    expect(weighted(a.layers)[0]!.weights).toEqual(weighted(b.layers)[0]!.weights);
    expect(a.outputs).toBe(8 * 8 * 16);
  });
});
