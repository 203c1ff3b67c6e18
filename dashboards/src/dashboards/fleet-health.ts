/** Is the fleet healthy overnight: brown-outs, timeouts, power-cycles, quarantine, lost telemetry. */
import { tagEquals } from '../influxql/influxql.js';
import type { DashboardSpec } from '../panels/panel-spec.js';

const perBoard = ['time($__interval)', 'board'] as const;
const eventCount = (kind: string, as: string) => ({ refId: 'A', q: { select: [{ expr: 'count("seq")', as }], from: 'event' as const, where: [tagEquals('event', kind)], groupBy: perBoard, fill: 'none' as const } });

export const fleetHealth: DashboardSpec = {
  uid: 'eve-fleet-health',
  title: 'EVE bench — Fleet health',
  description: 'Brown-outs, timeouts, power-cycles, quarantined boards and telemetry sequence gaps.',
  tags: ['eve', 'fleet'],
  panels: [
    {
      title: 'Brown-outs', viz: 'timeseries', w: 12, h: 8, description: "Each board's brown-out counter (it only grows between power-ups).",
      queries: [{ refId: 'A', q: { select: [{ expr: 'max("brownOuts")', as: 'brownOuts' }], from: 'telemetry', groupBy: perBoard, fill: 'none' } }],
    },
    { title: 'Timeouts', viz: 'bars', w: 12, h: 8, description: 'Board requests that timed out.', queries: [eventCount('timeout', 'timeouts')] },
    { title: 'Power-cycles', viz: 'bars', w: 12, h: 8, description: 'Power-cycles through the supply (the way back to a known state).', queries: [eventCount('powerCycle', 'powerCycles')] },
    {
      title: 'Quarantined boards', viz: 'table', w: 12, h: 8, description: 'Boards taken out of the pool after repeated failures, newest first.',
      queries: [{ refId: 'A', format: 'table', q: { select: [{ expr: '"detail"', as: 'detail' }, { expr: '"board"', as: 'board' }], from: 'event', where: [tagEquals('event', 'quarantine')], orderDesc: true, limit: 50 } }],
    },
    {
      title: 'Telemetry sequence gaps', viz: 'timeseries', w: 12, h: 8, description: 'Messages missing between consecutive sequence numbers, as the bridge counts them (0 means nothing lost).',
      queries: [{ refId: 'A', q: { select: [{ expr: 'max("seqGaps")', as: 'seqGaps' }], from: 'bridge', groupBy: ['time($__interval)'], fill: 'previous' } }],
    },
    {
      title: 'Bridge outbox depth', viz: 'timeseries', w: 12, h: 8, description: 'Messages waiting for InfluxDB (grows while it is down).',
      queries: [{ refId: 'A', q: { select: [{ expr: 'max("outboxDepth")', as: 'outboxDepth' }], from: 'bridge', groupBy: ['time($__interval)'], fill: 'previous' } }],
    },
  ],
};
