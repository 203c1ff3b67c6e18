import { describe, expect, it } from 'vitest';
import { TelemetryPayload } from '../schema.js';
import { isTelemetryPayload } from './fast-check.js';

const valid = {
  source: 'bench1/vb0', session: 's-1', seq: 0, deviceTimeUs: 1000, hostTime: 1765000000000,
  capacitorV: 3.0512345678, harvestW: 0.00123, supplyV: 3.3, supplyA: 0.0051, mode: 2, brownOuts: 0,
};

/** Values of every JSON shape and the numeric edges the schema's checks care about. */
const VALUES: unknown[] = [
  null, undefined, true, '', 'x', 'y'.repeat(128), 'y'.repeat(129), [], {}, [1],
  0, -0, 1, -1, 0.5, -0.5, 1e300, -1e300, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), Number.NaN, Number.POSITIVE_INFINITY, Number.MIN_VALUE,
];

function parity(v: unknown): void {
  expect({ v, fast: isTelemetryPayload(v) }).toEqual({ v, fast: TelemetryPayload.safeParse(v).success });
}

describe('isTelemetryPayload, against the zod schema', () => {
  it('accepts what zod accepts', () => {
    for (const v of [valid, { ...valid, deviceTimeUs: null }, { ...valid, deviceTimeUs: 0, seq: 2 ** 53 - 1, harvestW: 0, capacitorV: -1 }]) {
      expect(isTelemetryPayload(v)).toBe(true);
      parity(v);
    }
  });

  it('agrees with zod on every field set to every kind of value, removed, or joined by another key', () => {
    for (const key of Object.keys(valid)) {
      for (const value of VALUES) parity({ ...valid, [key]: value });
      const without: Record<string, unknown> = { ...valid };
      delete without[key];
      parity(without);
    }
    parity({ ...valid, extra: 1 });
    parity(JSON.parse(`{"__proto__": 1, ${JSON.stringify(valid).slice(1)}`));
  });

  it('agrees with zod on what is not an object', () => {
    for (const v of [null, undefined, 1, 'x', [], [valid], true]) parity(v);
  });
});
