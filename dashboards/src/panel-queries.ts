/**
 * Every query of every panel, with the columns the panel reads, and the Grafana macros replaced
 * for running it outside Grafana (tests, and anyone checking a database by hand).
 */
import { DASHBOARDS } from './dashboards/all.js';
import { toInfluxQl } from './influxql/influxql.js';

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  format: 'time_series' | 'table';
  influxql: string;
  /** The column names the panel reads (the SELECT's aliases). */
  expects: string[];
}

export function panelQueries(): PanelQuery[] {
  return DASHBOARDS.flatMap((d) => d.panels.flatMap((p) => p.queries.map((q) => ({
    dashboard: d.uid, panel: p.title, refId: q.refId, format: q.format ?? 'time_series',
    influxql: toInfluxQl(q.q), expects: q.q.select.map((c) => c.as),
  }))));
}

/** Replaces `$timeFilter`, `$__interval` and `$bench` as Grafana would for the given range. */
export function interpolate(influxql: string, o: { fromMs: number; toMs: number; interval: string; bench: string }): string {
  return influxql
    .replaceAll('$timeFilter', `time >= ${o.fromMs}ms AND time <= ${o.toMs}ms`)
    .replaceAll('$__interval', o.interval)
    .replaceAll('$bench', o.bench);
}
