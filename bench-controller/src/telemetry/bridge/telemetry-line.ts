/**
 * The line of one telemetry sample, written out field by field for the bridge's hot path (the
 * general `toLineProtocol` walks a per-kind plan with a keyed load, a type switch and an array per
 * message: 4.4–5.8 µs a sample against 2.1–3.3 here on the dev host). Only for payloads `isTelemetryPayload` accepted: their numbers are
 * finite, their counts safe integers, so nothing here can be out of range. A parity test holds it
 * to `toLineProtocol` (and so to the dashboards' mapping); a new telemetry field fails that test
 * until it is written here too.
 */
import { escapeKey, timestampNs } from '../line-format.js';
import type { TelemetryPayload } from '../schema.js';

/** `eve_telemetry,bench=…,board=…`: the part of the line its topic fixes (TopicCache keeps it). */
export function telemetryHead(bench: string, board: string): string {
  return `eve_telemetry,bench=${escapeKey(bench)},board=${escapeKey(board)}`;
}

export function telemetryLine(head: string, p: TelemetryPayload): string {
  // fields in key order, as toLineProtocol sorts them; deviceTimeUs is left out when null
  const device = p.deviceTimeUs === null ? '' : `,deviceTimeUs=${p.deviceTimeUs}`;
  return `${head},session=${escapeKey(p.session)},source=${escapeKey(p.source)} brownOuts=${p.brownOuts}i,capacitorV=${p.capacitorV}${device},harvestW=${p.harvestW},hostTime=${p.hostTime}i,mode=${p.mode}i,seq=${p.seq}i,supplyA=${p.supplyA},supplyV=${p.supplyV} ${timestampNs(p.hostTime, p.seq % 1_000_000)}`;
}
