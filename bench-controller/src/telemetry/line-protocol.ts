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
import { EveError } from '@eve-bench/device-agent';
import { escapeKey, escapeMeasurement, formatField, timestampNs, type FieldType } from './line-format.js';
import { KINDS, SCHEMAS, type PayloadOf, type TelemetryKind } from './schema.js';

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
  return timestampNs(hostTime, seq % 1_000_000);
}

/** Where a tag's value comes from: the topic's bench or board, or a payload key. */
interface TagSlot { name: string; key: string; prefix: string }
interface FieldSlot { key: string; prefix: string; what: string; numberType: FieldType }
interface Plan { measurement: string; tags: TagSlot[]; fields: FieldSlot[] }

/** Per kind, the tags and fields in line-protocol order, their escaped names computed once. */
function plan(kind: TelemetryKind): Plan {
  const tagKeys = TAG_KEYS[kind];
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const tags = [{ name: 'bench', key: '' }, { name: 'board', key: '' }, ...tagKeys.map((key) => ({ name: tagName(key), key }))]
    .sort(byName)
    .map((t) => ({ ...t, prefix: `,${escapeKey(t.name)}=` }));
  const fieldKeys = Object.keys(SCHEMAS[kind].shape).filter((k) => !tagKeys.includes(k));
  if (kind === 'status') fieldKeys.push('online');
  const fields = fieldKeys.map((key) => ({ name: key, key })).sort(byName).map(({ key }): FieldSlot => ({ key, prefix: `${escapeKey(key)}=`, what: `${kind}.${key}`, numberType: INT_FIELDS.has(key) ? 'int' : 'float' }));
  return { measurement: escapeMeasurement(measurementName(kind)), tags, fields };
}

const PLANS: Readonly<Record<TelemetryKind, Plan>> = Object.fromEntries(KINDS.map((k) => [k, plan(k)])) as Record<TelemetryKind, Plan>;

function fieldType(kind: TelemetryKind, f: FieldSlot, value: unknown): FieldType {
  switch (typeof value) {
    case 'number': return f.numberType;
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    default: throw new EveError('LINE_PROTOCOL_VALUE', `${kind}.${f.key}: cannot write a ${typeof value} to InfluxDB`);
  }
}

export function toLineProtocol<K extends TelemetryKind>(kind: K, bench: string, board: string, payload: PayloadOf<K>): string {
  const p = payload as Record<string, unknown>;
  const plan = PLANS[kind];
  // parts joined once: a flat string, where `+=` would leave a tree of pieces for the group to copy later
  const parts: string[] = [plan.measurement];
  for (const t of plan.tags) {
    const v = t.key === '' ? (t.name === 'bench' ? bench : board) : p[t.key];
    if (v === null || v === undefined) continue;
    const s = String(v);
    if (s !== '') parts.push(t.prefix, escapeKey(s));
  }
  let separator = ' ';
  for (const f of plan.fields) {
    const v = f.key === 'online' && kind === 'status' ? (p['state'] === 'offline' ? 0 : 1) : p[f.key];
    if (v === null || v === undefined) continue;
    parts.push(separator, f.prefix, formatField(fieldType(kind, f, v), v, f.what));
    separator = ',';
  }
  if (separator === ' ') throw new EveError('LINE_PROTOCOL_EMPTY', `${kind} from ${bench}/${board}: no fields to write`);
  parts.push(' ', pointTimestampNs(p['hostTime'] as number, p['seq'] as number));
  return parts.join('');
}
