import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { SeqGapCounter } from './seq-gaps.js';
import { InfluxV1Writer } from './influx-v1-writer.js';
import { TopicCache } from './topic-cache.js';

describe('Backoff', () => {
  it('grows exponentially up to the cap, jittered by the injected randomness', () => {
    const top = new Backoff({ minMs: 100, maxMs: 1000, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6].map(() => top.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    const half = new Backoff({ minMs: 100, maxMs: 1000, random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([100, 150, 250]);
    half.reset();
    expect(half.next()).toBe(100);
  });
});

describe('SeqGapCounter', () => {
  it('counts what is missing per source, session and kind, and forgets holes a late message fills', () => {
    const g = new SeqGapCounter();
    for (const s of [0, 1, 4, 5]) g.observe('b/x', 's1', 'telemetry', s);
    expect(g.gaps).toBe(2);
    g.observe('b/x', 's1', 'telemetry', 2);
    expect(g.gaps).toBe(1);
    g.observe('b/x', 's1', 'telemetry', 5); // a duplicate is not a gap
    g.observe('b/x', 's2', 'telemetry', 7); // a new session starts its own baseline
    g.observe('b/x', 's1', 'event', 3);
    expect(g.gaps).toBe(1);
  });
});

describe('InfluxV1Writer', () => {
  it('rejects a URL that is not one', () => {
    expect(() => new InfluxV1Writer({ url: 'not a url', db: 'x' })).toThrow(expect.objectContaining({ code: 'INFLUX_URL' }));
  });

  it('calls an unreachable server retriable', async () => {
    const w = new InfluxV1Writer({ url: 'http://127.0.0.1:1', db: 'x', timeoutMs: 2000 });
    await expect(w.write(['m f=1 1'])).rejects.toMatchObject({ code: 'INFLUX_UNREACHABLE', retriable: true });
  });
});

describe('TopicCache', () => {
  it('answers as parseTopic does, for EVE topics and others, and stays within its bound', () => {
    const c = new TopicCache(2);
    for (let round = 0; round < 2; round++) {
      expect(c.parse('eve/v1/lab1/b0/telemetry')).toEqual({ bench: 'lab1', board: 'b0', kind: 'telemetry', telemetryHead: 'eve_telemetry,bench=lab1,board=b0' });
      expect(c.parse('eve/v1/lab1/b0/nonsense')).toBeUndefined();
      expect(c.parse('other/topic')).toBeUndefined();
    }
    expect(c.parse('eve/v1/lab2/b1/event')).toEqual({ bench: 'lab2', board: 'b1', kind: 'event', telemetryHead: '' });
  });
});
