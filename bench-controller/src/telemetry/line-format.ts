/**
 * InfluxDB line protocol, written directly (the bridge's hot path): `measurement[,tag=v...]
 * field=v[,field=v...] timestamp`. The escaping and number formats are those of
 * `@influxdata/influxdb-client`'s `Point` (a parity test holds them together):
 * - measurement: comma and space backslash-escaped; newline, CR and tab written as `\n`, `\r`, `\t`;
 * - tag keys, tag values and field keys: the same plus `=`;
 * - string field values: in double quotes, with `"` and `\` backslash-escaped; a newline is written
 *   as `\n` (backslash, n), the one departure from `Point`, which leaves it raw: InfluxDB reads a raw
 *   newline as the end of the point, and the outbox's groups are newline-separated lines;
 * - integers `<n>i` (rounded down), floats as JavaScript prints them (finite only), booleans `T`/`F`;
 * - tags and fields sorted by key; a tag with an empty value is left out.
 */
import { EveError } from '@eve-bench/device-agent';

const MEASUREMENT_SPECIAL = /[, \n\r\t]/;
const MEASUREMENT_SPECIAL_ALL = /[, \n\r\t]/g;
const TAG_SPECIAL = /[, =\n\r\t]/;
const TAG_SPECIAL_ALL = /[, =\n\r\t]/g;
const QUOTED_SPECIAL = /["\\\n]/;
const QUOTED_SPECIAL_ALL = /["\\\n]/g;
const REPLACEMENT: Readonly<Record<string, string>> = { ',': '\\,', ' ': '\\ ', '=': '\\=', '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };
const replace = (c: string): string => REPLACEMENT[c]!;

export function escapeMeasurement(s: string): string {
  return MEASUREMENT_SPECIAL.test(s) ? s.replace(MEASUREMENT_SPECIAL_ALL, replace) : s;
}

/** Tag keys, tag values and field keys. */
export function escapeKey(s: string): string {
  return TAG_SPECIAL.test(s) ? s.replace(TAG_SPECIAL_ALL, replace) : s;
}

export function quoteString(s: string): string {
  return `"${QUOTED_SPECIAL.test(s) ? s.replace(QUOTED_SPECIAL_ALL, replace) : s}"`;
}

export type FieldType = 'int' | 'float' | 'string' | 'boolean';

/** One field value as line protocol; `what` names it in the error. */
export function formatField(type: FieldType, value: unknown, what: string): string {
  switch (type) {
    case 'int': {
      const n = value as number;
      if (typeof n !== 'number' || Number.isNaN(n) || n <= -9223372036854776e3 || n >= 9223372036854776e3) {
        throw new EveError('LINE_PROTOCOL_VALUE', `${what}: ${String(value)} is not a 64-bit integer`);
      }
      return `${Math.floor(n)}i`;
    }
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new EveError('LINE_PROTOCOL_VALUE', `${what}: ${String(value)} is not a finite number`);
      return String(value);
    case 'string':
      return quoteString(value as string);
    case 'boolean':
      return value ? 'T' : 'F';
  }
}

/** Nanoseconds as a decimal string: ms × 10^6 + sub, exact beyond 2^53. */
export function timestampNs(ms: number, subMs: number): string {
  // the common case (a positive integer ms and 0 <= sub < 10^6) needs no BigInt
  if (Number.isSafeInteger(ms) && ms > 0 && Number.isInteger(subMs) && subMs >= 0 && subMs < 1_000_000) return `${ms}${String(subMs).padStart(6, '0')}`;
  return (BigInt(ms) * 1_000_000n + BigInt(subMs)).toString();
}
