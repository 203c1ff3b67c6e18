import { describe, expect, it } from 'vitest';
import { toLineProtocol } from '../line-protocol.js';
import type { TelemetryPayload } from '../schema.js';
import { isTelemetryPayload } from './fast-check.js';
import { telemetryHead, telemetryLine } from './telemetry-line.js';

describe('telemetryLine, against toLineProtocol', () => {
  it('writes the same line for valid telemetry, awkward names, nulls and numeric edges included', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const base: TelemetryPayload = { source: 'bench1/vb0', session: 's-1', seq: 0, deviceTimeUs: 0, hostTime: 1_765_000_000_000, capacitorV: 3, harvestW: 0, supplyV: 3.3, supplyA: 0.005, mode: 0, brownOuts: 0 };
    const cases: TelemetryPayload[] = [
      base,
      { ...base, deviceTimeUs: null },
      { ...base, source: 'a b,c=d', session: 'tab\there' },
      { ...base, seq: 2 ** 53 - 1, hostTime: 1, capacitorV: -1e-7, harvestW: 1e21, supplyV: -0, supplyA: 123456789.125, mode: 7, brownOuts: 12, deviceTimeUs: 1234.5 },
    ];
    for (let i = 0; i < 200; i++) {
      cases.push({ ...base, seq: i * 997, hostTime: 1_765_000_000_000 + i, deviceTimeUs: i * 1000, capacitorV: 2.8 + 0.5 * random(), harvestW: 0.002 * random(), supplyA: 0.004 + 0.002 * random(), mode: i % 3, brownOuts: i % 2 });
    }
    for (const [bench, board] of [['bench1', 'vb0'], ['lab.2', 'b_3-x']]) {
      const head = telemetryHead(bench!, board!);
      for (const p of cases) {
        expect(isTelemetryPayload(p)).toBe(true);
        expect(telemetryLine(head, p)).toBe(toLineProtocol('telemetry', bench!, board!, p));
      }
    }
  });
});
