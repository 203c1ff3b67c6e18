/** The lab on the wall: which boards are up, their energy, their supplies and their modes. */
import { tagEquals } from '../influxql/influxql.js';
import type { DashboardSpec } from '../panels/panel-spec.js';

const perBoard = ['time($__interval)', 'board'] as const;

export const labOverview: DashboardSpec = {
  uid: 'eve-lab-overview',
  title: 'EVE bench — Lab overview',
  description: 'Boards online, capacitor voltage, harvested power, supply V/I, current mode and mode switches.',
  tags: ['eve', 'lab'],
  panels: [
    {
      title: 'Boards online', viz: 'stat', w: 24, h: 4,
      description: 'Last status per board (retained MQTT status; the last will says offline).',
      valueText: { '0': 'offline', '1': 'online' },
      queries: [{ refId: 'A', q: { select: [{ expr: 'last("online")', as: 'online' }], from: 'status', groupBy: ['board'] } }],
    },
    {
      title: 'Capacitor voltage', viz: 'timeseries', unit: 'volt', w: 12, h: 8,
      description: 'Storage capacitor voltage as each board reports it.',
      queries: [{ refId: 'A', q: { select: [{ expr: 'mean("capacitorV")', as: 'capacitorV' }], from: 'telemetry', groupBy: perBoard, fill: 'none' } }],
    },
    {
      title: 'Harvested power', viz: 'timeseries', unit: 'watt', w: 12, h: 8,
      description: 'Power the harvest replay offers each board (from the trace being replayed).',
      queries: [{ refId: 'A', q: { select: [{ expr: 'mean("harvestW")', as: 'harvestW' }], from: 'telemetry', groupBy: perBoard, fill: 'none' } }],
    },
    {
      title: 'Supply voltage', viz: 'timeseries', unit: 'volt', w: 12, h: 8,
      description: 'Supply channel voltage readback.',
      queries: [{ refId: 'A', q: { select: [{ expr: 'mean("supplyV")', as: 'supplyV' }], from: 'telemetry', groupBy: perBoard, fill: 'none' } }],
    },
    {
      title: 'Supply current', viz: 'timeseries', unit: 'amp', w: 12, h: 8,
      description: 'Supply channel current readback.',
      queries: [{ refId: 'A', q: { select: [{ expr: 'mean("supplyA")', as: 'supplyA' }], from: 'telemetry', groupBy: perBoard, fill: 'none' } }],
    },
    {
      title: 'Current mode', viz: 'state-timeline', w: 12, h: 8,
      description: 'The mode each board runs (0 = densest).',
      queries: [{ refId: 'A', q: { select: [{ expr: 'last("mode")', as: 'mode' }], from: 'telemetry', groupBy: perBoard, fill: 'previous' } }],
    },
    {
      title: 'Mode switches', viz: 'bars', w: 12, h: 8,
      description: 'Mode switch events per interval.',
      queries: [{ refId: 'A', q: { select: [{ expr: 'count("mode")', as: 'switches' }], from: 'event', where: [tagEquals('event', 'modeSwitch')], groupBy: perBoard, fill: 'none' } }],
    },
  ],
};
