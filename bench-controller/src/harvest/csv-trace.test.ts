import { describe, expect, it } from 'vitest';
import { parseCsvTrace } from './csv-trace.js';

describe('parseCsvTrace', () => {
  it('reads power, V x I and solar traces with comments, blank lines and any column order', () => {
    const p = parseCsvTrace('# lab roof, 2026-05-01\ntime_s,power_w\n0,0.001\n0.5,0.002\n\n1.0,0\n', 'roof');
    expect(p.kind).toBe('power');
    expect(p.trace.stepS).toBe(0.5);
    expect([...(p.kind === 'power' ? p.trace.powerW : [])]).toEqual([0.001, 0.002, 0]);
    const vi = parseCsvTrace('current_a,TIME_S,voltage_v\r\n0.01,10,3\r\n0.02,10.1,2.5\r\n', 'vi');
    expect(vi.kind === 'power' && [...vi.trace.powerW].map((x) => +x.toFixed(6))).toEqual([0.03, 0.05]);
    expect(vi.trace.stepS).toBeCloseTo(0.1, 12);
    const solar = parseCsvTrace('time_s,isc_a,voc_v\n0,0.05,5.5\n1,0.04,5.4\n', 'cell');
    expect(solar.kind).toBe('solar');
    if (solar.kind === 'solar') expect([...solar.trace.vocV]).toEqual([5.5, 5.4]);
  });

  it('refuses bad input with the line and the reason', () => {
    const cases: Array<[string, string, string]> = [
      ['', 'TRACE_CSV_BAD_HEADER', 'no header'],
      ['time_s,watts\n0,1\n1,1', 'TRACE_CSV_BAD_HEADER', "unknown column 'watts'"],
      ['time_s,power_w,isc_a\n0,1,1\n1,1,1', 'TRACE_CSV_BAD_HEADER', 'columns must be'],
      ['time_s,power_w\n0,1', 'TRACE_EMPTY', 'two samples'],
      ['time_s,power_w\n0,1\n1,2,3', 'TRACE_CSV_BAD_ROW', 'line 3: 3 fields'],
      ['time_s,power_w\n0,1\n1,NaN', 'TRACE_CSV_BAD_ROW', "line 3: power_w 'NaN'"],
      ['time_s,power_w\n0,1\n1,0x10', 'TRACE_CSV_BAD_ROW', 'not a number'],
      ['time_s,power_w\n0,1\n1,-0.5', 'TRACE_CSV_BAD_ROW', 'line 3: power_w -0.5 W is negative'],
      ['time_s,power_w\n0,1\n1,1\n3,1\n4,1', 'TRACE_CSV_BAD_ROW', 'line 3: time_s 1 is not on the even'],
      ['time_s,power_w\n2,1\n1,1', 'TRACE_CSV_BAD_ROW', 'even'],
    ];
    for (const [text, code, why] of cases) {
      expect(() => parseCsvTrace(text, 't.csv'), text).toThrow(expect.objectContaining({ code, message: expect.stringContaining(why) }));
    }
  });
});
