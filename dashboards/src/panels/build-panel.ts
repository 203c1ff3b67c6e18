/** PanelSpec -> Grafana panel, through the Foundation SDK's panel builders. */
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import { MappingType, type Panel, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StateTimelineBuilder } from '@grafana/grafana-foundation-sdk/statetimeline';
import { ReduceDataOptionsBuilder, GraphDrawStyle, BigValueGraphMode } from '@grafana/grafana-foundation-sdk/common';
import { DATASOURCE, InfluxQueryBuilder } from '../influxql/influx-query-builder.js';
import type { PanelSpec } from './panel-spec.js';

export interface GridCursor {
  x: number;
  y: number;
  rowHeight: number;
}

/** Lays panels left to right, wrapping at 24 columns. */
export function place(cursor: GridCursor, w: number, h: number): { x: number; y: number; w: number; h: number } {
  if (cursor.x + w > 24) {
    cursor.y += cursor.rowHeight;
    cursor.x = 0;
    cursor.rowHeight = 0;
  }
  const pos = { x: cursor.x, y: cursor.y, w, h };
  cursor.x += w;
  cursor.rowHeight = Math.max(cursor.rowHeight, h);
  return pos;
}

function mappings(text: Readonly<Record<string, string>> | undefined): ValueMapping[] {
  if (!text) return [];
  const options: Record<string, { text: string; index: number }> = {};
  Object.entries(text).forEach(([value, t], index) => (options[value] = { text: t, index }));
  return [{ type: MappingType.ValueToText, options }];
}

export function buildPanel(spec: PanelSpec, id: number, cursor: GridCursor): Builder<Panel> {
  const targets = spec.queries.map((q) => new InfluxQueryBuilder(q.refId, q.q, q.format));
  const common = <B extends { title(t: string): B; description(d: string): B; datasource(d: typeof DATASOURCE): B; gridPos(g: ReturnType<typeof place>): B; id(n: number): B; withTarget(t: InfluxQueryBuilder): B; unit(u: string): B; mappings(m: ValueMapping[]): B }>(b: B): B => {
    b = b.id(id).title(spec.title).description(spec.description).datasource(DATASOURCE).gridPos(place(cursor, spec.w, spec.h));
    if (spec.unit) b = b.unit(spec.unit);
    if (spec.valueText) b = b.mappings(mappings(spec.valueText));
    for (const t of targets) b = b.withTarget(t);
    return b;
  };
  switch (spec.viz) {
    case 'timeseries':
      return common(new TimeseriesBuilder());
    case 'bars':
      return common(new TimeseriesBuilder()).drawStyle(GraphDrawStyle.Bars).fillOpacity(80);
    case 'stat':
      return common(new StatBuilder()).graphMode(BigValueGraphMode.None).reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
    case 'table':
      return common(new TableBuilder());
    case 'state-timeline':
      return common(new StateTimelineBuilder()).mergeValues(true);
  }
}
