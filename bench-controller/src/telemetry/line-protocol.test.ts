import { describe, expect, it } from 'vitest';
import { pointTimestampNs, toLineProtocol } from './line-protocol.js';
import type { PayloadOf } from './schema.js';

const envelope = { source: 'lab1/b0', session: 's1', seq: 7, deviceTimeUs: 1234.5, hostTime: 1_700_000_000_123 };

describe('line protocol', () => {
  it('writes tags, typed fields and a timestamp unique per message', () => {
    const m: PayloadOf<'measurement'> = {
      ...envelope, campaignId: 3, phase: 'search', candidate: 'c 1', mode: 2, modeName: 'sparse',
      sparsity: 0.9, latencyUs: 812.25, energyUj: 40.5, energyUncertaintyUj: 0.2, inferences: 64,
      accuracy: null, costSource: 'virtual',
    };
    const line = toLineProtocol('measurement', 'lab1', 'b0', m);
    const [head, fields, ts] = line.split(/(?<!\\) /);
    expect(head).toBe('eve_measurement,bench=lab1,board=b0,campaignId=3,candidate=c\\ 1,costSource=virtual,mode=2,modeName=sparse,phase=search,session=s1,source=lab1/b0');
    expect(fields).toContain('latencyUs=812.25');
    expect(fields).toContain('inferences=64i');
    expect(fields).not.toMatch(/(^|,)mode=/); // a tag, never also a field: InfluxQL would need ::tag/::field
    expect(fields).toContain('seq=7i');
    expect(fields).not.toContain('accuracy');
    expect(ts).toBe('1700000000123000007');
  });

  it('names the event kind `event` and keeps string details as fields', () => {
    const e: PayloadOf<'event'> = { ...envelope, kind: 'job', detail: 'candidate "a"', campaignId: 1, job: 'j1', jobState: 'done', jobsTotal: 10 };
    const line = toLineProtocol('event', 'lab1', 'b0', e);
    expect(line).toMatch(/^eve_event,bench=lab1,board=b0,event=job,jobState=done,session=s1,source=lab1\/b0 /);
    expect(line).toContain('detail="candidate \\"a\\""');
    expect(line).toContain('jobsTotal=10i');
  });

  it('gives a re-delivered message the same timestamp and consecutive ones different timestamps', () => {
    expect(pointTimestampNs(1, 5)).toBe(pointTimestampNs(1, 5));
    expect(pointTimestampNs(1, 5)).not.toBe(pointTimestampNs(1, 6));
    expect(pointTimestampNs(1_700_000_000_000, 1_000_001)).toBe('1700000000000000001');
  });
});

describe('status points', () => {
  it('carry the state as a field and an online flag', () => {
    const line = toLineProtocol('status', 'lab1', 'b0', { ...envelope, state: 'offline' });
    expect(line).toMatch(/^eve_status,bench=lab1,board=b0,session=s1,source=lab1\/b0 /);
    expect(line).toContain('state="offline"');
    expect(line).toContain('online=0i');
  });
});
