/** The models as measured: latency and energy per mode, speedup over dense, measured vs predicted. */
import { tagEquals } from '../influxql/influxql.js';
import type { DashboardSpec } from '../panels/panel-spec.js';

const measured = `"costSource" != 'predicted'`;
const perMode = ['candidate', 'modeName'] as const;

export const models: DashboardSpec = {
  uid: 'eve-models',
  title: 'EVE bench — Models',
  description: 'Latency and energy per mode, speedup vs dense, measured vs predicted cost.',
  tags: ['eve', 'models'],
  panels: [
    {
      title: 'Latency per mode', viz: 'table', unit: 'µs', w: 12, h: 8, description: 'Last measured latency per inference, per candidate and mode.',
      queries: [{ refId: 'A', format: 'table', q: { select: [{ expr: 'last("latencyUs")', as: 'latencyUs' }, { expr: 'last("sparsity")', as: 'sparsity' }], from: 'measurement', where: [measured], groupBy: perMode } }],
    },
    {
      title: 'Energy per mode', viz: 'table', unit: 'µJ', w: 12, h: 8, description: 'Last measured energy per inference and its uncertainty, per candidate and mode.',
      queries: [{ refId: 'A', format: 'table', q: { select: [{ expr: 'last("energyUj")', as: 'energyUj' }, { expr: 'last("energyUncertaintyUj")', as: 'uncertaintyUj' }], from: 'measurement', where: [measured], groupBy: perMode } }],
    },
    {
      title: 'Speedup vs dense', viz: 'timeseries', w: 12, h: 8, description: 'Dense-baseline latency on the same board ÷ mode latency, as measured.',
      queries: [{ refId: 'A', q: { select: [{ expr: 'mean("speedupVsDense")', as: 'speedup' }], from: 'measurement', where: [measured], groupBy: ['time($__interval)', 'modeName'], fill: 'none' } }],
    },
    {
      title: 'On-board accuracy', viz: 'timeseries', unit: 'percentunit', w: 12, h: 8, description: 'Accuracy of each mode on the board, where it was measured.',
      queries: [{ refId: 'A', q: { select: [{ expr: 'mean("accuracy")', as: 'accuracy' }], from: 'measurement', where: [tagEquals('phase', 'final')], groupBy: ['time($__interval)', 'modeName'], fill: 'none' } }],
    },
    {
      title: 'Latency: measured vs predicted', viz: 'table', unit: 'µs', w: 12, h: 8, description: 'The cost model against the bench, per mode.',
      queries: [{ refId: 'A', format: 'table', q: { select: [{ expr: 'last("latencyUs")', as: 'measuredUs' }, { expr: 'last("predictedLatencyUs")', as: 'predictedUs' }], from: 'measurement', where: [measured], groupBy: perMode } }],
    },
    {
      title: 'Energy: measured vs predicted', viz: 'table', unit: 'µJ', w: 12, h: 8, description: 'The cost model against the bench, per mode.',
      queries: [{ refId: 'A', format: 'table', q: { select: [{ expr: 'last("energyUj")', as: 'measuredUj' }, { expr: 'last("predictedEnergyUj")', as: 'predictedUj' }], from: 'measurement', where: [measured], groupBy: perMode } }],
    },
  ],
};
