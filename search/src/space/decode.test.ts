import { describe, expect, it } from 'vitest';
import { estimateInference, extract, getProfile, isEveError, quantize, readPackage, writePackage } from '@eve-bench/device-agent';
import { createRng } from '../rng/rng.js';
import { getNetworkSpec, prunableShapes } from '../models/network-spec.js';
import type { TrainedModel } from '../train/trained-model.js';
import { candidateKeep } from '../prune/candidate-keep.js';
import { toModelSpec } from '../prune/to-model-spec.js';
import { layerFormats, type Candidate } from './candidate.js';
import { checkCandidate, decodeGenome, InfeasibleCandidateError, keptPerMode, requireFeasible, type DecodeContext } from './decode.js';
import { GenomeSpace } from './genome-space.js';
import { networkGeometry } from './network-geometry.js';

function randomModel(name: string, seed: number): TrainedModel {
  const rng = createRng(seed);
  const spec = getNetworkSpec(name);
  return { spec, params: prunableShapes(spec).map((s) => ({ ...s, weights: Float32Array.from({ length: s.inFeatures * s.outFeatures }, () => rng.normal()), bias: new Float32Array(s.outFeatures) })) };
}

const m4 = getProfile('stm32l476-m4f');
const msp = getProfile('msp430fr5994');
const lenet5 = networkGeometry(getNetworkSpec('lenet-5'));
const lenet300 = networkGeometry(getNetworkSpec('lenet-300-100'));
const three = (s: number[]) => [s, s.map((x) => Math.min(0.95, x + 0.2)), s.map((x) => Math.min(0.98, x + 0.3))];

describe('network geometry', () => {
  it('counts the runtime activation buffers: input + 2 × the widest layer output', () => {
    expect(lenet5.activationElements).toBe(784 + 2 * 24 * 24 * 6);
    expect(lenet300.activationElements).toBe(784 + 2 * 300);
    expect(lenet5.layers.map((l) => [l.rows, l.cols, l.positions, l.blockable])).toEqual([[6, 25, 576, false], [16, 150, 64, false], [120, 256, 1, true], [84, 120, 1, true], [10, 84, 1, true]]);
  });
});

describe('the decoder', () => {
  const space = new GenomeSpace({ modes: 3, layers: 3, choices: [0.5, 0.7, 0.8, 0.9, 0.95], granularities: ['unstructured', 'block1x4', 'channel'], kernels: ['dense', 'sparse'], numberFormats: ['float32', 'int8'] });
  const ctx: DecodeContext = { geometry: lenet300, device: { profile: m4, deadlineS: 1 } };

  it('counts kept weights exactly as the mask builders do, for every granularity', () => {
    for (const name of ['lenet-300-100', 'lenet-5']) {
      const model = randomModel(name, 3);
      const geometry = networkGeometry(model.spec);
      const s = new GenomeSpace({ modes: 3, layers: geometry.layers.length, choices: [0.5, 0.7, 0.8, 0.9, 0.95], granularities: geometry.layers.map((l) => (l.blockable ? ['unstructured', 'block1x4', 'channel'] : ['unstructured', 'channel'])), kernels: ['dense', 'sparse'] });
      const rng = createRng(8);
      for (let i = 0; i < 12; i++) {
        const c = s.toCandidate(s.random(rng));
        const keep = candidateKeep(model, c);
        keep.forEach((k, l) => {
          const actual = [0, 1, 2].map((m) => k.filter((v) => v >= m).length);
          expect(keptPerMode(geometry.layers[l]!, c.kernel![l] === 'dense' ? null : c.granularity![l]!, c.sparsity.map((r) => r[l]!))).toEqual(actual);
        });
      }
    }
  });

  it('estimates lower bounds: the built package is at least as large and every mode at least as slow', () => {
    const model = randomModel('lenet-300-100', 4);
    const rng = createRng(2);
    for (let i = 0; i < 8; i++) {
      const d = decodeGenome(space, space.random(rng), { geometry: lenet300, device: { profile: m4, deadlineS: 10, weightMemoryBytes: 1e9 } });
      if (!d.feasible) { expect(['distinct-modes', 'kernel-format']).toContain(d.constraint); continue; }
      const spec = toModelSpec(model, candidateKeep(model, d.candidate), { name: 'c', modeNames: ['a', 'b', 'c'], format: layerFormats(d.candidate) });
      const int8 = d.candidate.numberFormat === 'int8';
      const bytes = writePackage(int8 ? quantize(spec, [new Uint8Array(784).fill(128)]) : spec);
      expect(bytes.length).toBeGreaterThanOrEqual(d.estimate.weightBytes);
      const pkg = readPackage(writePackage(spec));
      for (let m = 0; m < 3; m++) {
        const run = extract(pkg, m);
        expect(estimateInference(m4, run.ops, 784, int8 ? 'int8' : 'float32').seconds).toBeGreaterThanOrEqual(d.estimate.latencyS[m]! * (1 - 1e-12));
      }
    }
  });

  const sparse = (s: number[][]): Candidate => ({ sparsity: s, kernel: s[0]!.map(() => 'sparse'), granularity: s[0]!.map(() => 'unstructured'), numberFormat: 'float32' });
  const reason = (c: Candidate, x: DecodeContext) => { const d = checkCandidate(c, x); return d.feasible ? 'feasible' : `${d.constraint}: ${d.violated}`; };

  it('names the violated constraint', () => {
    const ok = sparse(three([0.5, 0.5, 0.2]));
    expect(reason(ok, ctx)).toBe('feasible');
    // LeNet-300-100 unpruned in float32 holds 1.07 MB of weights: more than the M4's 1 MB flash
    expect(reason({ ...ok, sparsity: [[0, 0, 0]], kernel: ['dense', 'dense', 'dense'] }, ctx)).toMatch(/^weight-memory: weight memory: at least 106\d{4} B of weights, 1048576 B available on stm32l476-m4f/);
    // LeNet-5 float32 activations (7,696 floats) do not fit the MSP430's 8 KB SRAM; int8 ones do
    const l5 = (nf: 'float32' | 'int8'): Candidate => ({ sparsity: three([0.5, 0.5, 0.5, 0.5, 0.2]), numberFormat: nf });
    expect(reason(l5('float32'), { geometry: lenet5, device: { profile: msp, deadlineS: 1 } })).toMatch(/^activation-memory: activation memory: 30784 B of float32 activations, 8192 B of SRAM on msp430fr5994/);
    expect(reason(l5('int8'), { geometry: lenet5, device: { profile: msp, deadlineS: 1 } })).toBe('feasible');
    expect(reason(ok, { ...ctx, device: { profile: m4, deadlineS: 1e-4 } })).toMatch(/^deadline: deadline: the fastest mode takes at least [\d.]+ ms, the deadline is 0.10 ms/);
    expect(reason({ ...ok, numberFormat: 'int8' }, { ...ctx, supports: { numberFormats: ['float32'], kernelFormats: ['dense', 'rowPrefixSparse', 'block1x4'] } })).toMatch(/^number-format: number format: int8 cannot run here/);
    expect(reason({ ...ok, granularity: ['block1x4', 'unstructured', 'unstructured'] }, { ...ctx, supports: { numberFormats: ['float32'], kernelFormats: ['dense', 'rowPrefixSparse'] } })).toMatch(/^kernel-format: kernel format: layer 0 needs the block1x4 kernel/);
    expect(reason({ sparsity: three([0.5, 0.5, 0.5, 0.5, 0.2]), granularity: ['block1x4', 'unstructured', 'unstructured', 'unstructured', 'unstructured'] }, { geometry: lenet5 })).toMatch(/^kernel-format: kernel format: layer 0 \(conv\) cannot be split into 1x4 blocks/);
    expect(reason({ ...ok, numberFormat: 'int8', granularity: ['unstructured', 'block1x4', 'unstructured'] }, ctx)).toMatch(/^kernel-format: kernel format: layer 1 needs the block1x4 kernel, which the int8 runtime does not have/);
    expect(reason({ ...ok, sparsity: [[0.5, 0.5, 0.2], [0.7, 0.5, 0.2]], kernel: ['dense', 'sparse', 'sparse'] }, ctx)).toMatch(/^distinct-modes: distinct modes: mode 1 keeps the same weights as mode 0/);
  });

  it('says how far past a budget a candidate is, and 1 for a constraint with no amount', () => {
    const over = checkCandidate({ ...sparse(three([0.5, 0.5, 0.2])), sparsity: [[0, 0, 0]], kernel: ['dense', 'dense', 'dense'] }, ctx);
    expect(over.feasible).toBe(false);
    if (!over.feasible) expect(over.excess).toBeCloseTo((266200 * 4 + 410 * 4) / 1048576 - 1, 6);
    const fmt = checkCandidate({ sparsity: [[0.5, 0.5, 0.5]], numberFormat: 'int8' }, { geometry: lenet300, supports: { numberFormats: ['float32'], kernelFormats: ['rowPrefixSparse'] } });
    if (!fmt.feasible) expect(fmt.excess).toBe(1);
  });

  it('refuses a mode below its sparsity floor, counted over all weights as the package counts them', () => {
    const floors = { ...ctx, sparsityFloors: [0.5, 0.8, 0.92] };
    // LeNet-300-100: 235,200 + 30,000 + 1,000 weights; fc1 decides the overall sparsity
    const c = sparse([[0.5, 0.5, 0.5], [0.8, 0.8, 0.8], [0.9, 0.95, 0.95]]);
    const d = checkCandidate(c, floors);
    expect(d.feasible).toBe(false);
    if (!d.feasible) {
      expect(d.constraint).toBe('sparsity-floor');
      expect(d.violated).toMatch(/^sparsity floor: mode 2 is 90\.6 % sparse, its floor is 92\.0 %/);
      expect(d.excess).toBeCloseTo((0.92 - (1 - (23520 + 1500 + 50) / 266200)) / 0.92, 6);
    }
    expect(reason(sparse([[0.5, 0.5, 0.5], [0.8, 0.8, 0.8], [0.95, 0.9, 0.8]]), floors)).toBe('feasible');
    // just short of the floor: two decimals, so the message does not read "92.0 %, its floor is 92.0 %"
    const near = checkCandidate(sparse([[0.5, 0.5, 0.5], [0.8, 0.8, 0.8], [0.922, 0.9, 0.9]]), floors);
    if (near.feasible) throw new Error('expected the near miss to be refused');
    expect(near.violated).toMatch(/^sparsity floor: mode 2 is 91\.9\d % sparse, its floor is 92\.00 %/);
    // a dense-kernel layer keeps all its weights: its share counts against the floor
    expect(reason({ ...sparse([[0.5, 0.5, 0.5], [0.8, 0.8, 0.8], [0.95, 0.95, 0.95]]), kernel: ['dense', 'sparse', 'sparse'] }, floors)).toMatch(/^sparsity-floor: sparsity floor: mode 0 is 5\.8 % sparse/);
    // no floors, or fewer floors than modes: the rest are free
    expect(reason(c, ctx)).toBe('feasible');
    expect(reason(c, { ...ctx, sparsityFloors: [0.5] })).toBe('feasible');
  });

  it('requireFeasible throws a typed error naming the constraint; a non-nested candidate is CANDIDATE_INVALID', () => {
    try {
      requireFeasible({ sparsity: [[0.5, 0.5, 0.5]], numberFormat: 'int8' }, { geometry: lenet300, supports: { numberFormats: ['float32'], kernelFormats: ['rowPrefixSparse'] } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InfeasibleCandidateError);
      expect(isEveError(e, 'CANDIDATE_INFEASIBLE')).toBe(true);
      expect((e as InfeasibleCandidateError).constraint).toBe('number-format');
    }
    expect(() => checkCandidate({ sparsity: [[0.9, 0.5, 0.5], [0.5, 0.5, 0.5]] }, ctx)).toThrow(expect.objectContaining({ code: 'CANDIDATE_INVALID' }));
  });
});
