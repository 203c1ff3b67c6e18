import { describe, expect, it } from 'vitest';
import type { Score } from '../objective/score.js';
import { rejectedMargin } from './run-search.js';
import { shapedReward } from './shaped-reward.js';

const feasible = (value: number): Score => ({ feasible: true, value, margin: 1 });
const short = (margin: number): Score => ({ feasible: false, violated: 'accuracy', value: 0, margin });
const refused = (excess: number): Score => ({ feasible: false, violated: 'memory', value: 0, margin: rejectedMargin(excess) });

describe('shapedReward', () => {
  it('orders refused < short of a floor < feasible, and grades within each', () => {
    const ordered = [refused(5), refused(1), refused(0), short(-60), short(-5), short(-0.1), feasible(0), feasible(500), feasible(2000)];
    const rewards = ordered.map((s) => shapedReward(s, 2000));
    for (let i = 1; i < rewards.length; i++) expect(rewards[i]!).toBeGreaterThan(rewards[i - 1]!);
  });

  it('keeps every infeasible reward below every feasible one, whatever the objective scale', () => {
    for (const best of [1e-3, 1, 1e6]) {
      expect(shapedReward(short(0), best)).toBeLessThan(shapedReward(feasible(0), best));
      expect(shapedReward(feasible(best), best)).toBe(2);
    }
  });

  it('grades an evaluated package over a device budget as a refusal of that excess, below any accuracy shortfall', () => {
    const over = (excess: number): Score => ({ feasible: false, violated: 'weight memory: package', value: 0, margin: 0, excess });
    expect(shapedReward(over(0.02), 1)).toBeCloseTo(shapedReward(refused(0.02), 1), 12);
    expect(shapedReward(over(0.02), 1)).toBeGreaterThan(shapedReward(over(0.5), 1));
    expect(shapedReward(over(0.02), 1)).toBeLessThan(shapedReward(short(-60), 1));
  });

  it('bounds refusals to (−1, 0]', () => {
    expect(shapedReward(refused(0), 1)).toBe(0);
    expect(shapedReward(refused(10), 1)).toBeGreaterThan(-1);
  });

  it('with front terms a feasible reward stays in [1, 2] and pays a spreading candidate more than a dominated one', () => {
    const spreading = shapedReward(feasible(500), 2000, { box: 0.4, share: 0.3 });
    const dominated = shapedReward(feasible(500), 2000, { box: 0.4, share: 0 });
    expect(spreading).toBeGreaterThan(dominated);
    expect(dominated).toBeCloseTo(1 + (0.25 + 0.4) / 3, 12);
    expect(shapedReward(feasible(0), 2000, { box: 0, share: 0 })).toBe(1);
    expect(shapedReward(feasible(2000), 2000, { box: 1, share: 1 })).toBe(2);
    expect(shapedReward(short(-0.1), 2000)).toBeLessThan(shapedReward(feasible(0), 2000, { box: 0, share: 0 }));
  });
});
