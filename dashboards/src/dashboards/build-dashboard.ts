/** DashboardSpec -> Grafana dashboard JSON, with the `bench` variable every query filters on. */
import { DashboardBuilder, QueryVariableBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE } from '../influxql/influx-query-builder.js';
import { buildPanel, type GridCursor } from '../panels/build-panel.js';
import type { DashboardSpec } from '../panels/panel-spec.js';

export function buildDashboard(spec: DashboardSpec): Dashboard {
  const bench = new QueryVariableBuilder('bench')
    .label('Bench')
    .datasource(DATASOURCE)
    .query('SHOW TAG VALUES FROM "eve_status" WITH KEY = "bench"')
    .multi(true)
    .includeAll(true)
    .allValue('.*');
  let b = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .withVariable(bench);
  const cursor: GridCursor = { x: 0, y: 0, rowHeight: 0 };
  spec.panels.forEach((p, i) => (b = b.withPanel(buildPanel(p, i + 1, cursor))));
  return b.build();
}
