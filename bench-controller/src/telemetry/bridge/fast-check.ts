/**
 * A hand-written check of the one high-rate payload, telemetry, for the bridge's hot path. zod
 * stays the schema's source of truth: this only answers "valid?" and, when it says yes, the parsed
 * JSON object is used as it is, where zod would check the same and copy it (0.1–0.4 µs a payload
 * against zod's 0.7–1.8 on the dev host, before the collector's share of the copy). When it says
 * no, the bridge asks zod,
 * whose verdict and message count. A parity test (fast-check.test.ts) holds the two together on
 * valid payloads and on every field made invalid in turn; a schema change that this file does not
 * follow fails it.
 */
import type { TelemetryPayload } from '../schema.js';

const TELEMETRY_KEYS = new Set(['source', 'session', 'seq', 'deviceTimeUs', 'hostTime', 'capacitorV', 'harvestW', 'supplyV', 'supplyA', 'mode', 'brownOuts']);

const isId = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= 128;
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isNonNegative = (v: unknown): boolean => isNumber(v) && (v as number) >= 0;
/** zod's `.int()`: a safe integer. */
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/** True only for what `TelemetryPayload` accepts unchanged (strict: no other keys). */
export function isTelemetryPayload(v: unknown): v is TelemetryPayload {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  let keys = 0;
  for (const k in o) {
    if (!TELEMETRY_KEYS.has(k)) return false;
    keys++;
  }
  return keys === TELEMETRY_KEYS.size
    && isId(o['source']) && isId(o['session'])
    && isCount(o['seq'])
    && (o['deviceTimeUs'] === null || isNonNegative(o['deviceTimeUs']))
    && Number.isSafeInteger(o['hostTime']) && (o['hostTime'] as number) > 0
    && isNumber(o['capacitorV']) && isNonNegative(o['harvestW']) && isNumber(o['supplyV']) && isNumber(o['supplyA'])
    && isCount(o['mode']) && isCount(o['brownOuts']);
}
