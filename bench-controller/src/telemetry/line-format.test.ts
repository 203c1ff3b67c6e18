/**
 * Parity with `@influxdata/influxdb-client`'s `Point` and escapers: the bridge writes line protocol
 * by hand on its hot path, and must write exactly what `Point` would.
 */
import { escape, Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { escapeKey, escapeMeasurement, formatField, quoteString, timestampNs } from './line-format.js';

const AWKWARD = ['plain', 'a,b', 'a b', 'a=b', 'say "hi"', 'back\\slash', 'trailing\\', 'tab\there', 'new\nline', 'cr\rx', ',= "\\', '', 'ünïcödé 温度', '"quoted"'];

describe('line-protocol escaping', () => {
  it('escapes measurements, keys and tag values as influxdb-client does', () => {
    for (const s of AWKWARD) {
      expect(escapeMeasurement(s)).toBe(escape.measurement(s));
      expect(escapeKey(s)).toBe(escape.tag(s));
      if (!s.includes('\n')) expect(quoteString(s)).toBe(escape.quoted(s));
    }
  });

  it('writes a newline in a string value as backslash-n, where Point would end the point early', () => {
    expect(quoteString('new\nline "q"')).toBe('"new\\nline \\"q\\""');
    expect(escape.quoted('new\nline')).toContain('\n'); // Point leaves it raw
    for (const s of AWKWARD) expect(quoteString(s)).not.toContain('\n');
  });

  it('formats integers, floats, booleans and strings as Point does', () => {
    const field = (f: (p: Point) => Point) => f(new Point('m')).fields['v'];
    for (const n of [0, 1, -1, 42, 2 ** 53, -(2 ** 40), 3.7, -3.2]) expect(formatField('int', n, 'v')).toBe(field((p) => p.intField('v', n)));
    for (const x of [0, 1, -1, 0.1, 1 / 3, 1e21, 1e-7, -2.5e-300, 123456789.125]) expect(formatField('float', x, 'v')).toBe(field((p) => p.floatField('v', x)));
    for (const b of [true, false]) expect(formatField('boolean', b, 'v')).toBe(field((p) => p.booleanField('v', b)));
    for (const s of AWKWARD.filter((x) => !x.includes('\n'))) expect(formatField('string', s, 'v')).toBe(field((p) => p.stringField('v', s)));
  });

  it('refuses what InfluxDB cannot store, naming the field', () => {
    expect(() => formatField('float', Number.NaN, 'telemetry.capacitorV')).toThrow(expect.objectContaining({ code: 'LINE_PROTOCOL_VALUE', message: expect.stringContaining('telemetry.capacitorV') }));
    expect(() => formatField('float', Infinity, 'x')).toThrow(expect.objectContaining({ code: 'LINE_PROTOCOL_VALUE' }));
    expect(() => formatField('int', 2 ** 64, 'x')).toThrow(expect.objectContaining({ code: 'LINE_PROTOCOL_VALUE' }));
  });

  it('writes nanosecond timestamps exactly, past 2^53', () => {
    expect(timestampNs(1_700_000_000_123, 7)).toBe('1700000000123000007');
    expect(timestampNs(1, 999_999)).toBe('1999999');
    expect(timestampNs(0, 5)).toBe('5');
  });
});
