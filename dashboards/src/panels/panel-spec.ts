/**
 * A panel as data: what it shows, how, and the InfluxQL queries behind it. Dashboards are lists
 * of these; `buildPanel` turns one into Grafana JSON through the Foundation SDK, and the tests run
 * every query against a real InfluxDB.
 */
import type { InfluxQl } from '../influxql/influxql.js';

export type Viz = 'timeseries' | 'bars' | 'stat' | 'table' | 'state-timeline';

export interface QuerySpec {
  refId: string;
  q: InfluxQl;
  /** Tables want rows (`table`), the rest time series. */
  format?: 'time_series' | 'table';
}

export interface PanelSpec {
  title: string;
  description: string;
  viz: Viz;
  /** A Grafana unit id (`volt`, `watt`, `µs`, `percentunit`, `s`, ...). */
  unit?: string;
  /** Width in grid columns (of 24) and height in rows. */
  w: number;
  h: number;
  queries: readonly QuerySpec[];
  /** Value -> text for stat and state panels (e.g. 1 -> online). */
  valueText?: Readonly<Record<string, string>>;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: readonly string[];
  panels: readonly PanelSpec[];
}
