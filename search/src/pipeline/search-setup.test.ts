import { describe, expect, it } from 'vitest';
import { getProfile } from '@eve-bench/device-agent';
import { getNetworkSpec } from '../models/network-spec.js';
import { createRng, restoreRng } from '../rng/rng.js';
import { networkGeometry } from '../space/network-geometry.js';
import { decodeGenome } from '../space/decode.js';
import type { Scored } from '../strategy/search-strategy.js';
import type { Evaluation } from '../evaluator/evaluator.js';
import { decodeContext, makeScore, makeSpace, makeStrategy, type SearchStageOptions } from './search-setup.js';

const stage: SearchStageOptions = {
  strategy: 'nsga2', budget: 40, modes: 2, choices: [0.5, 0.8, 0.9], accuracyImages: 10, maxDrop: [1, 2],
  space: { granularities: ['unstructured', 'block1x4', 'channel'], kernels: ['dense', 'sparse'], numberFormats: ['float32', 'int8'], policy: { reserveJ: [1e-5, 4e-5] } },
};
const lenet5 = networkGeometry(getNetworkSpec('lenet-5'));
const m4 = getProfile('stm32l476-m4f');

describe('the search stage from the config', () => {
  it('offers 1x4 blocks only to layers whose rows split into fours', () => {
    const space = makeSpace(stage, lenet5);
    expect(space.genes.filter((g) => g.kind === 'granularity').map((g) => g.size)).toEqual([2, 2, 3, 3, 3]);
    expect(space.genes.filter((g) => g.kind === 'policy')).toHaveLength(1);
  });

  it('builds each named strategy on the space', () => {
    const space = makeSpace(stage, lenet5);
    for (const name of ['random', 'evolution', 'nsga2', 'reinforce'] as const) {
      const s = makeStrategy(name, space, createRng(1), 40, decodeContext(lenet5, m4, {}, undefined));
      expect(s.name).toBe(name);
      expect(space.repair(s.propose([]))).toHaveLength(space.genes.length);
      (s as { dispose?: () => void }).dispose?.();
    }
  });

  it('runs REINFORCE as the bench does: a random warm-up, then its own proposals, which the decoder never refuses for 1x4 after int8 or equal modes, and a quarter uniform', () => {
    const space = makeSpace(stage, lenet5);
    const decoding = decodeContext(lenet5, m4, {}, undefined);
    const s = makeStrategy('reinforce', space, createRng(3), 200, decoding);
    const runnable = (g: number[]) => { const d = decodeGenome(space, g, decoding); return d.feasible || !['kernel-format', 'distinct-modes'].includes(d.constraint); };
    // past the warm-up (a tenth of the budget) only the uniform quarter can be refused
    const history = Array.from({ length: 20 }, (_, i) => ({ genome: space.random(createRng(100 + i)) }) as unknown as Scored);
    let own = 0;
    for (let i = 0; i < 80; i++) {
      const explores = restoreRng((s.snapshot().state as { rng: number[] }).rng).next() < 0.25;
      const g = s.propose(history);
      if (!explores) { own++; expect(runnable(g)).toBe(true); }
    }
    expect(own).toBeGreaterThan(40);
    // while the warm-up lasts, proposals are uniform: many pair int8 with a 1x4 layer or repeat a mode
    const warm = makeStrategy('reinforce', space, createRng(3), 200, decoding);
    const refusedWarm = Array.from({ length: 80 }, () => warm.propose([])).filter((g) => !runnable(g)).length;
    expect(refusedWarm).toBeGreaterThan(10);
    (s as { dispose?: () => void }).dispose?.();
    (warm as { dispose?: () => void }).dispose?.();
  });

  it('scores by energy or by the harvest objective, floors first; the decoder gets the device budgets', () => {
    const ev: Evaluation = { candidate: { sparsity: [[0.5], [0.9]], numberFormat: 'int8' }, costSource: 'predicted', packageBytes: 1000, modes: [{ accuracy: 0.975, energyUj: 20, latencyUs: 900, sparsity: 0.5 }, { accuracy: 0.965, energyUj: 8, latencyUs: 400, sparsity: 0.9 }] };
    const floors = { denseAccuracy: 0.98, maxDrop: [1, 2], lossWeights: [0.6, 0.4] };
    const energy = makeScore(stage, floors, m4, {}, lenet5)(ev);
    expect(energy.value).toBeCloseTo(0.6 * 0.975 / 20 + 0.4 * 0.965 / 8, 12);
    const harvest = makeScore({ ...stage, objective: 'harvest' }, floors, m4, {}, lenet5)(ev);
    expect(harvest.feasible).toBe(true);
    expect(harvest.value).toBeGreaterThan(100); // correct inferences per hour
    expect(makeScore({ ...stage, objective: 'harvest' }, floors, m4, { weightMemoryBytes: 500 }, lenet5)(ev).violated).toMatch(/^weight memory: package 1000 B exceeds 500 B/);
    expect(makeScore({ ...stage, objective: 'harvest' }, { ...floors, maxDrop: [0.1, 2] }, m4, {}, lenet5)(ev).violated).toMatch(/mode 0 accuracy/);
    expect(decodeContext(lenet5, m4, { activationMemoryBytes: 4096 }, undefined).device).toMatchObject({ activationMemoryBytes: 4096, deadlineS: 1 });
    expect(decodeContext(lenet5, m4, {}, undefined).sparsityFloors).toBeUndefined();
    expect(decodeContext(lenet5, m4, {}, undefined, [0.5, 0.8, 0.92]).sparsityFloors).toEqual([0.5, 0.8, 0.92]);
  });
});
