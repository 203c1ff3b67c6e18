/** A campaign's progress: jobs done, running and failed, throughput, ETA and errors. */
import { tagEquals } from '../influxql/influxql.js';
import type { DashboardSpec } from '../panels/panel-spec.js';

const job = tagEquals('event', 'job');
const progress = (field: string, as: string) => ({ refId: 'A', q: { select: [{ expr: `last("${field}")`, as }], from: 'event' as const, where: [job] } });

export const campaign: DashboardSpec = {
  uid: 'eve-campaign',
  title: 'EVE bench — Campaign',
  description: 'Jobs done/running/failed, throughput, ETA and errors of the running campaign.',
  tags: ['eve', 'campaign'],
  panels: [
    { title: 'Jobs done', viz: 'stat', w: 5, h: 4, description: 'Jobs finished, as the campaign runner counts them.', queries: [progress('jobsDone', 'done')] },
    { title: 'Jobs running', viz: 'stat', w: 5, h: 4, description: 'Jobs in flight.', queries: [progress('jobsRunning', 'running')] },
    { title: 'Jobs failed', viz: 'stat', w: 5, h: 4, description: 'Jobs that failed.', queries: [progress('jobsFailed', 'failed')] },
    { title: 'Jobs total', viz: 'stat', w: 4, h: 4, description: 'Jobs the campaign has.', queries: [progress('jobsTotal', 'total')] },
    { title: 'ETA', viz: 'stat', unit: 's', w: 5, h: 4, description: "The runner's estimate of the time left (mean job time so far × jobs left).", queries: [progress('etaS', 'eta')] },
    {
      title: 'Throughput', viz: 'bars', w: 12, h: 8, description: 'Jobs finished per interval.',
      queries: [{ refId: 'A', q: { select: [{ expr: 'count("seq")', as: 'jobs' }], from: 'event', where: [job, tagEquals('jobState', 'done')], groupBy: ['time($__interval)'], fill: 'none' } }],
    },
    {
      title: 'Measurements', viz: 'bars', w: 12, h: 8, description: 'Modes measured per interval, per phase.',
      queries: [{ refId: 'A', q: { select: [{ expr: 'count("latencyUs")', as: 'measured' }], from: 'measurement', groupBy: ['time($__interval)', 'phase'], fill: 'none' } }],
    },
    {
      title: 'Errors', viz: 'table', w: 24, h: 8, description: 'Faults, timeouts and failed jobs, newest first.',
      queries: [{ refId: 'A', format: 'table', q: { select: [{ expr: '"detail"', as: 'detail' }, { expr: '"board"', as: 'board' }], from: 'event', where: [`("event" = 'fault' OR "event" = 'timeout' OR "jobState" = 'failed')`], orderDesc: true, limit: 100 } }],
    },
  ],
};
