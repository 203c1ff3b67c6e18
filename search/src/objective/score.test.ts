import { describe, expect, it } from 'vitest';
import { scoreEvaluation } from './score.js';
import type { Evaluation } from '../evaluator/evaluator.js';

const ev = (modes: Array<[accuracy: number, energyUj: number]>): Evaluation => ({
  candidate: { sparsity: modes.map(() => [0.5]) },
  costSource: 'hardware',
  modes: modes.map(([accuracy, energyUj]) => ({ accuracy, energyUj, latencyUs: 1, sparsity: 0.5 })),
});
const o = { denseAccuracy: 0.98, maxDrop: [1, 2, 4], lossWeights: [0.5, 0.3, 0.2] };

describe('scoreEvaluation', () => {
  it('values a feasible candidate as weighted correct inferences per µJ of measured energy', () => {
    const s = scoreEvaluation(ev([[0.975, 10], [0.97, 5], [0.95, 2]]), o);
    expect(s.feasible).toBe(true);
    expect(s.value).toBeCloseTo(0.5 * 0.975 / 10 + 0.3 * 0.97 / 5 + 0.2 * 0.95 / 2, 12);
    expect(s.margin).toBeCloseTo(0.5, 6); // mode 0: 97.5 % against a 97 % floor
  });

  it('lower measured energy scores higher at equal accuracy', () => {
    const a = scoreEvaluation(ev([[0.975, 10], [0.97, 5], [0.95, 2]]), o);
    const b = scoreEvaluation(ev([[0.975, 8], [0.97, 4], [0.95, 1.5]]), o);
    expect(b.value).toBeGreaterThan(a.value);
  });

  it('is infeasible, with a reason and no value, when a mode drops below its floor', () => {
    const s = scoreEvaluation(ev([[0.975, 10], [0.95, 5], [0.95, 2]]), o);
    expect(s).toMatchObject({ feasible: false, value: 0 });
    expect(s.violated).toMatch(/mode 1 accuracy 95.0 % is below its floor 96.0 %/);
    expect(s.margin).toBeLessThan(0);
  });

  it('is infeasible when a sparser mode costs no less energy than the one before', () => {
    const s = scoreEvaluation(ev([[0.975, 10], [0.97, 10], [0.95, 2]]), o);
    expect(s.feasible).toBe(false);
    expect(s.violated).toMatch(/mode 1 costs no less energy than mode 0/);
  });

  it('applies the last floor to modes beyond maxDrop', () => {
    expect(scoreEvaluation(ev([[0.975, 10], [0.97, 5], [0.95, 2], [0.945, 1]]), o).feasible).toBe(true);
    expect(scoreEvaluation(ev([[0.975, 10], [0.97, 5], [0.95, 2], [0.93, 1]]), o).feasible).toBe(false);
  });
});
