import { describe, expect, it } from 'vitest';
import { chooseFormat, estimateInference, getProfile, layerCycles, profileNames } from './cost-model.js';
import { macCycles } from './device-profile.js';
import type { LayerOps } from '../runtime/extract.js';

const m4 = getProfile('stm32l476-m4f');

/** LeNet-300-100's three layers at a uniform density, as extract() would report them. */
function mlpOps(density: number, format: 'dense' | 'rowPrefixSparse'): LayerOps[] {
  const ops: LayerOps[] = [];
  let inputs = 784;
  for (const outF of [300, 100, 10]) {
    const macs = format === 'dense' ? inputs * outF : Math.round(inputs * outF * density);
    ops.push({ kind: 'dense', format, rows: outF, cols: inputs, macs, weightReads: macs, indexReads: format === 'dense' ? 0 : macs, inputs, outputs: outF });
    if (outF !== 10) ops.push({ kind: 'relu', rows: 0, cols: 0, macs: 0, weightReads: 0, indexReads: 0, inputs: outF, outputs: outF });
    inputs = outF;
  }
  return ops;
}

describe('cost model', () => {
  it('derives every profile\'s per-MAC cycles from its instruction recipe', () => {
    for (const name of profileNames()) {
      const p = getProfile(name);
      expect(p.cycles.denseMacF32).toBe(macCycles(p.recipes.float32).dense);
      expect(p.cycles.sparseMacF32).toBe(macCycles(p.recipes.float32).sparse);
      expect(p.cycles.denseMacI8).toBe(macCycles(p.recipes.int8).dense);
      expect(p.cycles.sparseMacI8).toBe(macCycles(p.recipes.int8).sparse);
      expect(p.cycles.sparseMacF32).toBeGreaterThan(p.cycles.denseMacF32); // an index costs something
    }
  });

  it('cycles strictly fall as sparsity rises for an MLP, on every profile and number type', () => {
    for (const name of profileNames()) {
      for (const dtype of ['float32', 'int8'] as const) {
        const cycles = [1, 0.7, 0.5, 0.3, 0.1, 0.05].map((d) => estimateInference(getProfile(name), mlpOps(d, 'rowPrefixSparse'), 784, dtype).cycles);
        for (let i = 1; i < cycles.length; i++) expect(cycles[i], `${name} ${dtype} step ${i}`).toBeLessThan(cycles[i - 1]!);
      }
    }
  });

  it('dense format beats sparse at 0 % sparsity and sparse wins at 90 %', () => {
    for (const name of profileNames()) {
      const p = getProfile(name);
      const at = (d: number, f: 'dense' | 'rowPrefixSparse') => estimateInference(p, mlpOps(d, f), 784).cycles;
      expect(at(1, 'dense')).toBeLessThan(at(1, 'rowPrefixSparse'));
      expect(at(0.1, 'rowPrefixSparse')).toBeLessThan(at(0.1, 'dense'));
      expect(chooseFormat(p, 300, 784, 784)).toBe('dense');
      expect(chooseFormat(p, 300, 784, 78)).toBe('rowPrefixSparse');
      expect(chooseFormat(p, 300, 784, 78, 'int8')).toBe('rowPrefixSparse');
    }
  });

  it('prices time and energy from cycles, clock, active current and nominal voltage', () => {
    const c = estimateInference(m4, mlpOps(0.5, 'rowPrefixSparse'), 784);
    expect(c.cycles).toBe(m4.cycles.perInference + 784 * m4.cycles.perInputByte + c.perLayer.reduce((a, b) => a + b, 0));
    expect(c.seconds).toBeCloseTo(c.cycles / 80e6, 15);
    expect(c.energyJ).toBeCloseTo(c.seconds * 8e-3 * 3.0, 15);
    expect(c.perLayer).toHaveLength(5);
    // int8 is cheaper per MAC than float32 on the M4 (single-cycle SMLABB, narrower flash reads)
    expect(estimateInference(m4, mlpOps(0.5, 'rowPrefixSparse'), 784, 'int8').cycles).toBeLessThan(c.cycles);
  });

  it('charges max-pool by the inputs it compares and flatten nothing', () => {
    const pool: LayerOps = { kind: 'maxpool', rows: 0, cols: 0, macs: 0, weightReads: 0, indexReads: 0, inputs: 400, outputs: 100 };
    expect(layerCycles(m4, pool)).toBe(400 * m4.cycles.perActivation);
    expect(layerCycles(m4, { ...pool, kind: 'flatten', inputs: 100, outputs: 0 })).toBe(0);
  });

  it('prices a ReLU fused into the preceding layer below a ReLU pass, and free in int8', () => {
    const msp = getProfile('msp430fr5994');
    const relu: LayerOps = { kind: 'relu', rows: 0, cols: 0, macs: 0, weightReads: 0, indexReads: 0, inputs: 300, outputs: 300 };
    for (const p of [m4, msp]) {
      expect(layerCycles(p, { ...relu, fused: true })).toBe(300 * p.cycles.fusedRelu);
      expect(layerCycles(p, { ...relu, fused: true })).toBeLessThanOrEqual(layerCycles(p, relu));
      expect(layerCycles(p, { ...relu, fused: true }, 'int8')).toBe(0);
      expect(layerCycles(p, relu, 'int8')).toBe(300 * p.cycles.perActivationI8);
    }
  });

  it('refuses an unknown profile with a typed error', () => {
    expect(() => getProfile('z80')).toThrow(expect.objectContaining({ code: 'PROFILE_UNKNOWN' }));
  });
  it('prices the MSP430FR5994 (no FPU) in int8 and the M4F in float32', () => {
    const msp = getProfile('msp430fr5994');
    expect(msp.numberFormat).toBe('int8');
    expect(m4.numberFormat).toBe('float32');
    // on the MSP430 soft-float would cost an order of magnitude more per MAC than the MPY32 int8 path
    const ops = mlpOps(0.2, 'rowPrefixSparse');
    expect(estimateInference(msp, ops, 784, 'float32').cycles).toBeGreaterThan(5 * estimateInference(msp, ops, 784, msp.numberFormat).cycles);
  });
});
