import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetStore } from './fleet-store.js';

let dir: string;
let now: number;
let n: number;
const open = () => new FleetStore(join(dir, 'fleet.sqlite'), { now: () => now, token: () => `t${++n}` });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eve-fleet-'));
  now = 1_700_000_000_000;
  n = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FleetStore leases', () => {
  it('gives a board to one holder at a time, across connections', () => {
    const a = open();
    const b = open();
    const lease = a.acquire('b1', 'alice', 60_000);
    expect(lease).toEqual({ board: 'b1', holder: 'alice', token: 't1', acquiredAt: now, expiresAt: now + 60_000 });
    expect(() => b.acquire('b1', 'bob', 60_000)).toThrow(/board b1 is leased by alice until 2023-11-14T22:14:20.000Z/);
    expect(b.acquire('b2', 'bob', 60_000).holder).toBe('bob');
    a.close();
    b.close();
  });

  it('expires by the injected clock; renew extends, only with the token', () => {
    const s = open();
    const lease = s.acquire('b1', 'alice', 1000);
    now += 999;
    expect(() => s.renew('b1', 'wrong', 1000)).toThrow(/no live lease with this token/);
    expect(s.renew('b1', lease.token, 1000).expiresAt).toBe(now + 1000);
    now += 1000;
    expect(s.lease('b1')).toBeUndefined();
    expect(() => s.renew('b1', lease.token, 1000)).toThrow(/LEASE|no live lease/);
    expect(s.acquire('b1', 'bob', 1000).holder).toBe('bob');
    s.close();
  });

  it('releases only with the token', () => {
    const s = open();
    const lease = s.acquire('b1', 'alice', 1000);
    expect(() => s.release('b1', 'nope')).toThrow(/no lease with this token/);
    s.release('b1', lease.token);
    expect(s.lease('b1')).toBeUndefined();
    expect(() => s.acquire('b1', 'x', 0)).toThrow(/TTL must be between/);
    s.close();
  });
});

describe('FleetStore health', () => {
  it('quarantines after K consecutive failures, persists it, and refuses leases until released', () => {
    const s = open();
    s.recordFailure('b1', 'timeout', 3);
    s.recordOk('b1');
    s.recordFailure('b1', 'timeout', 3);
    expect(s.recordFailure('b1', 'timeout', 3)).toMatchObject({ consecutiveFailures: 2, quarantined: false });
    expect(s.recordFailure('b1', 'hung', 3)).toMatchObject({ consecutiveFailures: 3, quarantined: true, reason: 'hung' });
    s.close();
    const again = open();
    expect(again.health('b1').quarantined).toBe(true);
    expect(() => again.acquire('b1', 'alice', 1000)).toThrow(/board b1 is quarantined \(hung\)/);
    again.releaseQuarantine('b1');
    expect(again.health('b1')).toMatchObject({ quarantined: false, consecutiveFailures: 0 });
    expect(() => again.releaseQuarantine('b1')).toThrow(/not quarantined/);
    expect(again.acquire('b1', 'alice', 1000).holder).toBe('alice');
    again.close();
  });
});
