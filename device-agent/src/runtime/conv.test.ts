import { describe, expect, it } from 'vitest';
import { writePackage } from '../format/writer.js';
import { readPackage } from '../format/reader.js';
import type { ModelSpec } from '../format/model-spec.js';
import { extract } from './extract.js';
import { randomConvSpec as convSpec } from '../format/random-spec.js';
import { estimateInference, getProfile } from '../cost/cost-model.js';

/** Naive reference with mode m's mask. */
function reference(spec: ModelSpec, m: number, x: Float32Array): Float32Array {
  const conv = spec.layers[0] as Extract<ModelSpec['layers'][number], { kind: 'conv2d' }>;
  const dense = spec.layers[4] as Extract<ModelSpec['layers'][number], { kind: 'dense' }>;
  const c1 = new Float32Array(10 * 10 * 4);
  for (let oy = 0; oy < 10; oy++) for (let ox = 0; ox < 10; ox++) for (let co = 0; co < 4; co++) {
    let s = conv.bias[co]!;
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) for (let ci = 0; ci < 2; ci++) {
      const wi = ((co * 3 + ky) * 3 + kx) * 2 + ci;
      if (conv.keep[wi]! >= m) s += conv.weights[wi]! * x[((oy + ky) * 12 + ox + kx) * 2 + ci]!;
    }
    c1[(oy * 10 + ox) * 4 + co] = Math.max(0, s);
  }
  const p = new Float32Array(5 * 5 * 4);
  for (let oy = 0; oy < 5; oy++) for (let ox = 0; ox < 5; ox++) for (let c = 0; c < 4; c++) {
    p[(oy * 5 + ox) * 4 + c] = Math.max(c1[((2 * oy) * 10 + 2 * ox) * 4 + c]!, c1[((2 * oy) * 10 + 2 * ox + 1) * 4 + c]!, c1[((2 * oy + 1) * 10 + 2 * ox) * 4 + c]!, c1[((2 * oy + 1) * 10 + 2 * ox + 1) * 4 + c]!);
  }
  return Float32Array.from({ length: 10 }, (_, r) => {
    let s = 0;
    for (let c = 0; c < 100; c++) if (dense.keep[r * 100 + c]! >= m) s += dense.weights[r * 100 + c]! * p[c]!;
    return s;
  });
}

describe('conv2d and maxpool layers', () => {
  it('round-trip and every mode computes the masked network, sparse and dense formats', () => {
    for (const format of ['rowPrefixSparse', 'dense'] as const) {
      const spec = convSpec(format);
      const pkg = readPackage(writePackage(spec));
      const x = Float32Array.from({ length: 12 * 12 * 2 }, (_, i) => ((i * 37) % 11) / 11);
      for (let m = 0; m < 3; m++) {
        const got = extract(pkg, m).run(x);
        const want = reference(spec, format === 'dense' ? 0 : m, x);
        for (let i = 0; i < 10; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
      }
    }
  });

  it('extraction views the package buffer for conv layers too, dense and sparse, without copying', () => {
    for (const format of ['rowPrefixSparse', 'dense'] as const) {
      const pkg = readPackage(writePackage(convSpec(format)));
      for (let m = 0; m < 3; m++) {
        const views = extract(pkg, m).weightViews();
        expect(views.length).toBe(format === 'dense' ? 4 : 10);
        for (const v of views) expect(v.buffer).toBe(pkg.buffer.buffer);
      }
    }
  });

  it('reports per-layer operations: MACs shrink with the mode, inputs and outputs follow the shapes', () => {
    const pkg = readPackage(writePackage(convSpec('rowPrefixSparse')));
    const [m0, m2] = [extract(pkg, 0).ops, extract(pkg, 2).ops];
    expect(m0.map((o) => o.kind)).toEqual(['conv2d', 'relu', 'maxpool', 'flatten', 'dense']);
    expect(m0[0]).toMatchObject({ inputs: 288, outputs: 400, cols: 18 });
    expect(m0[2]).toMatchObject({ inputs: 400, outputs: 100 });
    expect(m0[4]).toMatchObject({ inputs: 100, outputs: 10, rows: 10, cols: 100 });
    for (const i of [0, 4]) {
      expect(m2[i]!.macs).toBeLessThan(m0[i]!.macs);
      expect(m0[i]!.weightReads).toBe(m0[i]!.macs);
      expect(m0[i]!.indexReads).toBe(m0[i]!.macs);
    }
  });

  it('prices conv work by output position, and sparser modes cost fewer cycles', () => {
    const pkg = readPackage(writePackage(convSpec('rowPrefixSparse')));
    const p = getProfile('stm32l476-m4f');
    const cycles = [0, 1, 2].map((m) => estimateInference(p, extract(pkg, m).ops, 288).cycles);
    expect(cycles[1]).toBeLessThan(cycles[0]!);
    expect(cycles[2]).toBeLessThan(cycles[1]!);
    const convOps = extract(pkg, 0).ops[0]!;
    expect(convOps.kind).toBe('conv2d');
    expect(convOps.rows).toBe(4 * 100); // 4 channels at 10x10 positions
  });

  it('fuses a ReLU that follows a weighted layer into its store, and runs one that follows pooling as a pass', () => {
    const fused = convSpec('rowPrefixSparse');
    // relu(maxpool(x)) = maxpool(relu(x)): the same network with the ReLU after the pooling
    const [conv, relu, pool, ...rest] = fused.layers;
    const unfused: ModelSpec = { ...fused, layers: [conv!, pool!, relu!, ...rest] };
    const [a, b] = [fused, unfused].map((s) => readPackage(writePackage(s)));
    const x = Float32Array.from({ length: 12 * 12 * 2 }, (_, i) => ((i * 29) % 13) / 13 - 0.3);
    for (let m = 0; m < 3; m++) {
      const [ma, mb] = [extract(a!, m), extract(b!, m)];
      expect(Array.from(ma.run(x))).toEqual(Array.from(mb.run(x)));
      expect(ma.ops[1]).toMatchObject({ kind: 'relu', fused: true, outputs: 400 });
      expect(mb.ops[2]!.kind).toBe('relu');
      expect(mb.ops[2]!.fused).toBeUndefined();
    }
  });

  it('refuses a conv layer whose declared input does not match the tensor arriving', () => {
    const spec = convSpec('rowPrefixSparse');
    (spec.layers[2] as { input: number[] }).input = [10, 10, 3];
    expect(() => readPackage(writePackage(spec))).toThrow(/layers\[2\]\.input/);
  });
});
