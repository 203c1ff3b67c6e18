import { describe, expect, it } from 'vitest';
import { isEveError } from '@eve-bench/device-agent';
import { FrontArchive } from './front-reward.js';

describe('FrontArchive', () => {
  it('pays the first point its whole box, a dominated or repeated point no share', () => {
    const a = new FrontArchive();
    expect(a.add([0.5, 0.5, 0.5])).toEqual({ box: 0.125, share: 1 });
    const dominated = a.add([0.6, 0.5, 0.7]);
    expect(dominated.box).toBeCloseTo(0.4 * 0.5 * 0.3, 12);
    expect(dominated.share).toBe(0);
    expect(a.add([0.5, 0.5, 0.5]).share).toBe(0);
  });

  it('pays a point that spreads the front the fraction of the new hypervolume only it adds', () => {
    const a = new FrontArchive();
    a.add([0.5, 0.5, 0.5]);
    // a corner the first point does not reach: its own box 0.9·0.1·0.5, overlap 0.5·0.1·0.5
    const { share } = a.add([0.1, 0.9, 0.5]);
    expect(share).toBeCloseTo((0.045 - 0.025) / (0.125 + 0.045 - 0.025), 12);
  });

  it('drops points a newcomer dominates, and round-trips through JSON', () => {
    const a = new FrontArchive();
    a.add([0.5, 0.5, 0.5]);
    a.add([0.2, 0.2, 0.2]);
    expect(a.toJSON()).toEqual([[0.2, 0.2, 0.2]]);
    const b = FrontArchive.from(JSON.parse(JSON.stringify(a)));
    expect(b.add([0.3, 0.3, 0.3]).share).toBe(0);
  });

  it('a point outside the reference box earns nothing; a non-finite one or a corrupt archive is a typed error', () => {
    expect(new FrontArchive().add([0.5, 1.2, 0.5])).toEqual({ box: 0, share: 0 });
    expect(() => new FrontArchive().add([0.5, Number.NaN, 0.5])).toThrow(expect.objectContaining({ code: 'REWARD_INVALID' }));
    try { FrontArchive.from([[1, 2]]); expect.unreachable(); } catch (e) { expect(isEveError(e, 'SNAPSHOT_INVALID')).toBe(true); }
  });
});
