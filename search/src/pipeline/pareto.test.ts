import { describe, expect, it } from 'vitest';
import { paretoFront } from './pareto.js';
import type { Evaluation } from '../evaluator/evaluator.js';

const ev = (acc: number, energy: number, bytes: number): Evaluation => ({
  candidate: { sparsity: [[0.5], [0.9]] }, costSource: 'predicted', packageBytes: bytes,
  modes: [{ accuracy: acc, energyUj: 99, latencyUs: 1, sparsity: 0.5 }, { accuracy: 0.5, energyUj: energy, latencyUs: 1, sparsity: 0.9 }],
});

describe('Pareto front over (densest accuracy, sparsest energy, package bytes)', () => {
  it('keeps exactly the non-dominated evaluations, and one of two equal ones', () => {
    const evals = [ev(0.99, 10, 1000), ev(0.98, 5, 1000), ev(0.97, 6, 1200), ev(0.99, 10, 1000), ev(0.95, 5, 500), ev(0.99, 11, 1000)];
    // 2 is beaten by 1 on all three; 3 duplicates 0; 5 is beaten by 0 on energy
    expect(paretoFront(evals)).toEqual([0, 1, 4]);
    expect(paretoFront([])).toEqual([]);
  });
});
