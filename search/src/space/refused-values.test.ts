import { describe, expect, it } from 'vitest';
import { getProfile } from '@eve-bench/device-agent';
import { getNetworkSpec } from '../models/network-spec.js';
import { createRng, type Rng } from '../rng/rng.js';
import { decodeGenome, type ConstraintName, type DecodeContext } from './decode.js';
import { GenomeSpace } from './genome-space.js';
import { networkGeometry } from './network-geometry.js';
import { refusedValues, type RefusedValues } from './refused-values.js';

const geometry = networkGeometry(getNetworkSpec('lenet-300-100'));
// the hypervolume bench's space: 1x4 blocks only where rows split into fours
const space = new GenomeSpace({
  modes: 3, layers: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98], kernels: ['dense', 'sparse'], numberFormats: ['float32', 'int8'],
  granularities: geometry.layers.map((g) => (g.blockable ? ['unstructured', 'block1x4', 'channel'] : ['unstructured', 'channel'])),
  policy: { reserveJ: [5e-6, 20e-6] },
});
const contexts: Record<string, DecodeContext> = {
  m4f: { geometry, device: { profile: getProfile('stm32l476-m4f'), deadlineS: 1 } },
  msp430: { geometry, device: { profile: getProfile('msp430fr5994'), deadlineS: 1 } },
};

/** Decides genes in order, uniformly among the nested values the mask leaves (all of them if it leaves none). */
function sampleMasked(refused: RefusedValues, rng: Rng): number[] {
  const g: number[] = [];
  for (let t = 0; t < space.genes.length; t++) {
    const values = Array.from({ length: space.genes[t]!.size }, (_, v) => v).filter((v) => v >= space.floor(g, t));
    const banned = refused(g, t);
    const left = values.filter((v) => !banned.includes(v));
    const pick = left.length > 0 ? left : values;
    g.push(pick[rng.int(pick.length)]!);
  }
  return g;
}

const anticipated: ConstraintName[] = ['number-format', 'kernel-format', 'distinct-modes', 'weight-memory', 'activation-memory'];

describe('refusedValues', () => {
  for (const [name, ctx] of Object.entries(contexts)) {
    it(`${name}: names only values the decoder refuses, whatever the other genes`, () => {
      const refused = refusedValues(space, ctx);
      const rng = createRng(1);
      let named = 0;
      for (let i = 0; i < 300; i++) {
        const g = space.random(rng);
        if (g.some((v, t) => refused(g, t).includes(v))) {
          named++;
          expect(decodeGenome(space, g, ctx).feasible).toBe(false);
        }
      }
      expect(named).toBeGreaterThan(50);
    });

    it(`${name}: a sampler that avoids them is never refused for a constraint the mask anticipates`, () => {
      const refused = refusedValues(space, ctx);
      const rng = createRng(2);
      for (let i = 0; i < 200; i++) {
        const d = decodeGenome(space, sampleMasked(refused, rng), ctx);
        if (!d.feasible) expect(anticipated).not.toContain(d.constraint);
      }
    });
  }

  it('masks 1x4 blocks after int8, all-dense kernels, a mode equal to the last, and what cannot fit the FRAM', () => {
    const msp = refusedValues(space, contexts.msp430!);
    const m4f = refusedValues(space, contexts.m4f!);
    const int8 = 1, dense = 0, sparse = 1, block = 1, channel = 2;
    // int8 has no 1x4 kernel; float32 has
    expect(m4f([int8, sparse, sparse, sparse], space.granularityGene(0))).toContain(block);
    expect(m4f([0, sparse, sparse, sparse], space.granularityGene(0))).not.toContain(block);
    // two dense layers (in int8, which fits the flash): the third must be pruned, or the three modes are one
    expect(m4f([int8, dense, dense], space.kernelGene(2))).toEqual([dense]);
    expect(m4f([int8, dense, sparse], space.kernelGene(2))).toEqual([]);
    // only the last layer pruned, by output channel (10 rows: 5, 4, 3, 2, 2, 1, 1, 1 kept over the
    // choices): mode 0 at 0.7 (3 rows); mode 1 must keep 2 (0.8 or 0.85), so mode 2 can keep 1
    const g = [int8, dense, dense, sparse, 0, 0, channel, 0, 0, 2, 0, 0];
    const above = (refused: number[], floor: number) => Array.from({ length: 8 }, (_, v) => v).filter((v) => v >= floor && !refused.includes(v));
    expect(above(m4f(g, space.sparsityGene(1, 2)), 2)).toEqual([3, 4]);
    // mode 0 at 0.8 (2 rows) leaves room for one sparser mode, not two
    expect(above(m4f(g, space.sparsityGene(0, 2)), 0)).toEqual([0, 1, 2]);
    // 256 KB: the 784×300 layer in float32 fits neither dense nor below 85 % unstructured (4-byte
    // values, 2-byte indices); in int8 from 70 %
    expect(msp([0], space.kernelGene(0))).toEqual([dense]);
    expect(msp([0, sparse, sparse, sparse, 0, 0, 0], space.sparsityGene(0, 0))).toEqual([0, 1, 2, 3]);
    expect(msp([int8, sparse, sparse, sparse, 0, 0, 0], space.sparsityGene(0, 0))).toEqual([0, 1]);
    expect(m4f([0, sparse, sparse, sparse, 0, 0, 0], space.sparsityGene(0, 0))).toEqual([]);
    expect(msp([], 0)).toEqual([]);
  });
});
