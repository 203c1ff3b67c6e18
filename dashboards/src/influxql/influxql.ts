/**
 * A tiny InfluxQL builder for panel queries. The Grafana Foundation SDK has no InfluxDB query
 * builder, so this one is ours: it knows our measurement names (from bench-controller's point
 * mapping), always adds Grafana's `$timeFilter` and the dashboard's bench filter, and names every
 * column, so a test can check that the columns a panel expects come back from a real InfluxDB.
 */
import { measurementName, type TelemetryKind } from '@eve-bench/bench-controller';

/** Bridge health: not a telemetry kind, written by the bridge itself (see line-protocol.ts). */
export type Source = TelemetryKind | 'bridge';

export interface Column {
  /** An InfluxQL expression such as `mean("capacitorV")`. */
  expr: string;
  /** The column name the panel reads. */
  as: string;
}

export interface InfluxQl {
  select: readonly Column[];
  from: Source;
  /** Extra conditions, ANDed with the time and bench filters. */
  where?: readonly string[];
  /** `time($__interval)` and/or tag keys; tag keys are quoted here. */
  groupBy?: readonly string[];
  fill?: 'none' | 'null' | 'previous' | number;
  orderDesc?: boolean;
  limit?: number;
  /** Filter by the dashboard's `$bench` variable (default); off for the bridge and alert rules. */
  benchFilter?: boolean;
}

export function sourceMeasurement(from: Source): string {
  return from === 'bridge' ? 'eve_bridge' : measurementName(from);
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '\\"')}"`;

/** A string literal for a WHERE clause. */
export function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function tagEquals(tag: string, value: string): string {
  return `${quoteIdent(tag)} = ${lit(value)}`;
}

export function toInfluxQl(q: InfluxQl): string {
  if (q.select.length === 0) throw new Error('an InfluxQL query needs at least one column');
  const cols = q.select.map((c) => `${c.expr} AS ${quoteIdent(c.as)}`).join(', ');
  // the bridge's own health has no bench (it serves them all); alert rules see no dashboard variables
  const benchFilter = q.from === 'bridge' || q.benchFilter === false ? [] : [`"bench" =~ /^$bench$/`];
  const where = ['$timeFilter', ...benchFilter, ...(q.where ?? [])].join(' AND ');
  let sql = `SELECT ${cols} FROM ${quoteIdent(sourceMeasurement(q.from))} WHERE ${where}`;
  if (q.groupBy?.length) sql += ` GROUP BY ${q.groupBy.map((g) => (g.startsWith('time(') ? g : quoteIdent(g))).join(', ')}`;
  if (q.fill !== undefined) sql += ` fill(${q.fill})`;
  if (q.orderDesc) sql += ' ORDER BY time DESC';
  if (q.limit !== undefined) sql += ` LIMIT ${q.limit}`;
  return sql;
}
