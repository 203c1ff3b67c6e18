import { describe, expect, it } from 'vitest';
import { CampaignProgress } from './progress.js';

describe('CampaignProgress', () => {
  it('counts jobs and estimates the time left from the jobs finished so far', () => {
    let t = 0;
    const p = new CampaignProgress(4, () => t);
    expect(p.start('a')).toEqual({ jobsTotal: 4, jobsDone: 0, jobsFailed: 0, jobsRunning: 1 });
    t = 10_000;
    expect(p.finish('a', true)).toEqual({ jobsTotal: 4, jobsDone: 1, jobsFailed: 0, jobsRunning: 0, etaS: 30 });
    p.start('b');
    t = 40_000; // b took 30 s: mean 20 s, two jobs left
    expect(p.finish('b', false)).toMatchObject({ jobsDone: 1, jobsFailed: 1, etaS: 40 });
  });

  it('refuses a job it does not know or already runs', () => {
    const p = new CampaignProgress(1, () => 0);
    expect(() => p.finish('x', true)).toThrow(/not running/);
    p.start('x');
    expect(() => p.start('x')).toThrow(/already running/);
    expect(() => new CampaignProgress(-1, () => 0)).toThrow(/whole number/);
  });
});
