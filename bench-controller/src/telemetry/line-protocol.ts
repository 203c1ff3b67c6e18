/**
 * How a validated telemetry message becomes an InfluxDB point (line protocol, v1 `/write`).
 * This mapping is the contract between the bridge and the dashboards:
 *
 * - measurement `eve_<kind>`: eve_status, eve_telemetry, eve_measurement, eve_event;
 * - tags (low-cardinality, what panels group by): `bench`, `board`, `source`, `session`, plus
 *   `phase`, `candidate`, `modeName`, `mode`, `costSource`, `campaignId`
 *   (measurement), `event` (the event's kind) and `jobState` (event);
 * - fields: every other payload value (numbers as floats, counts as integers, strings as strings),
 *   always including `seq` and `hostTime`; a null is left out; status also gets `online` (1 when
 *   the state is online or busy, else 0), so a panel can take the last value per board;
 * - timestamp (ns): hostTime (ms) × 10^6 + seq mod 10^6. A message delivered twice writes the same
 *   series and timestamp, so the duplicate overwrites itself; two messages of one source never
 *   collide, because within one millisecond their sequence numbers differ.
 *
 * The bridge also writes its own health, every metrics interval (10 s by default), as measurement
 * `eve_bridge`, tag `bridge` (the bridge's --name), integer fields counted since that bridge process
 * started: `received` (messages from the broker), `written` (points InfluxDB accepted, its own
 * included), `invalid` (messages failing the schema or topic), `deadLettered` (invalid messages plus
 * points InfluxDB refused), `seqGaps` (sequence numbers currently missing per source, session and
 * kind) and `outboxDepth` (points waiting in the durable outbox). Timestamp: the bridge's clock (ns).
 */
import { Point } from '@influxdata/influxdb-client';
import { EveError } from '@eve-bench/device-agent';
import type { PayloadOf, TelemetryKind } from './schema.js';

export const MEASUREMENT_PREFIX = 'eve_';

/** Payload keys written as tags, per kind (the bench and board come from the topic). */
export const TAG_KEYS: Readonly<Record<TelemetryKind, readonly string[]>> = {
  status: ['source', 'session'],
  telemetry: ['source', 'session'],
  measurement: ['source', 'session', 'phase', 'candidate', 'modeName', 'mode', 'costSource', 'campaignId'],
  event: ['source', 'session', 'kind', 'jobState'],
};

/** Payload keys written as integer fields; the other numbers are floats. */
const INT_FIELDS = new Set(['seq', 'hostTime', 'mode', 'brownOuts', 'inferences', 'campaignId', 'jobsTotal', 'jobsDone', 'jobsFailed', 'jobsRunning', 'online']);

/** The tag a payload key is written under (`kind` would be ambiguous next to the measurement). */
function tagName(key: string): string {
  return key === 'kind' ? 'event' : key;
}

export function measurementName(kind: TelemetryKind): string {
  return `${MEASUREMENT_PREFIX}${kind}`;
}

/** The point's timestamp in nanoseconds, as a decimal string (beyond 2^53, so not a number). */
export function pointTimestampNs(hostTime: number, seq: number): string {
  return (BigInt(hostTime) * 1_000_000n + BigInt(seq % 1_000_000)).toString();
}

export function toLineProtocol<K extends TelemetryKind>(kind: K, bench: string, board: string, payload: PayloadOf<K>): string {
  const point = new Point(measurementName(kind)).tag('bench', bench).tag('board', board);
  const tags = TAG_KEYS[kind];
  const p: Record<string, unknown> = { ...payload };
  if (kind === 'status') p['online'] = p['state'] === 'offline' ? 0 : 1;
  for (const [key, value] of Object.entries(p)) {
    if (value === null || value === undefined) continue;
    if (tags.includes(key)) point.tag(tagName(key), String(value));
    else if (typeof value === 'number') {
      if (INT_FIELDS.has(key)) point.intField(key, value);
      else point.floatField(key, value);
    } else if (typeof value === 'string') point.stringField(key, value);
    else if (typeof value === 'boolean') point.booleanField(key, value);
    else throw new EveError('LINE_PROTOCOL_VALUE', `${kind}.${key}: cannot write a ${typeof value} to InfluxDB`);
  }
  point.timestamp(pointTimestampNs(p['hostTime'] as number, p['seq'] as number));
  const line = point.toLineProtocol();
  if (!line) throw new EveError('LINE_PROTOCOL_EMPTY', `${kind} from ${bench}/${board}: no fields to write`);
  return line;
}
