import { Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { TAG_KEYS, measurementName, pointTimestampNs, toLineProtocol } from './line-protocol.js';
import { EVENT_KINDS, JOB_STATES, KINDS, type PayloadOf, type TelemetryKind } from './schema.js';

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

/**
 * The mapping written with `Point` (how the bridge wrote it before the hand-written hot path), with
 * the one documented departure: a newline in a string value becomes backslash-n.
 */
function viaPoint(kind: TelemetryKind, bench: string, board: string, payload: Record<string, unknown>): string {
  const ints = new Set(['seq', 'hostTime', 'mode', 'brownOuts', 'inferences', 'campaignId', 'jobsTotal', 'jobsDone', 'jobsFailed', 'jobsRunning', 'online']);
  const point = new Point(measurementName(kind)).tag('bench', bench).tag('board', board);
  const p = { ...payload };
  if (kind === 'status') p['online'] = p['state'] === 'offline' ? 0 : 1;
  for (const [key, value] of Object.entries(p)) {
    if (value === null || value === undefined) continue;
    if (TAG_KEYS[kind].includes(key)) point.tag(key === 'kind' ? 'event' : key, String(value));
    else if (typeof value === 'number') point[ints.has(key) ? 'intField' : 'floatField'](key, value);
    else {
      point.stringField(key, value as string);
      point.fields[key] = point.fields[key]!.replaceAll('\n', '\\n'); // the one departure: see line-format.ts
    }
  }
  return point.timestamp(pointTimestampNs(p['hostTime'] as number, p['seq'] as number)).toLineProtocol()!;
}

/** A small seeded generator, so the varied inputs are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('line protocol parity with Point', () => {
  it('writes the same line for varied messages of every kind, awkward strings included', () => {
    const r = rng(6);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const text = () => pick(['lab 1', 'a,b=c', 'say "hi"', 'back\\slash', 'x', 'tab\tnew\nline', 'ünï']);
    const num = () => pick([0, 1, 0.5, 1 / 3, 1234.5678, 1e-9, 3.3]);
    for (let i = 0; i < 200; i++) {
      const base = { source: text(), session: text(), seq: Math.floor(r() * 3e6), deviceTimeUs: r() < 0.3 ? null : num(), hostTime: 1_700_000_000_000 + Math.floor(r() * 1e9) };
      const payloads: Record<TelemetryKind, Record<string, unknown>> = {
        status: { ...base, state: pick(['online', 'offline', 'busy']), ...(r() < 0.5 ? { detail: text() } : {}) },
        telemetry: { ...base, capacitorV: num(), harvestW: num(), supplyV: num(), supplyA: num(), mode: Math.floor(r() * 4), brownOuts: Math.floor(r() * 9) },
        measurement: { ...base, campaignId: Math.floor(r() * 9), phase: text(), candidate: text(), mode: 1, modeName: text(), sparsity: r(), latencyUs: num() + 1, energyUj: num(), energyUncertaintyUj: num(), inferences: 64, accuracy: r() < 0.5 ? null : r(), costSource: pick(['predicted', 'virtual', 'hardware']), ...(r() < 0.5 ? { predictedLatencyUs: 2.5, speedupVsDense: 1.25 } : {}) },
        event: { ...base, kind: pick(EVENT_KINDS), detail: text(), ...(r() < 0.5 ? { campaignId: 2, job: text(), jobState: pick(JOB_STATES), jobsTotal: 10, etaS: num() } : { mode: 2 }) },
      };
      for (const kind of KINDS) {
        const [bench, board] = [pick(['lab1', 'b.2']), pick(['b0', 'x-1'])];
        expect(toLineProtocol(kind, bench, board, payloads[kind] as PayloadOf<typeof kind>)).toBe(viaPoint(kind, bench, board, payloads[kind]));
      }
    }
  });
});
