/**
 * The Grafana InfluxDB datasource's query model (InfluxQL in raw mode), as a Foundation SDK
 * dataquery variant, so panels and alert rules can carry it.
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import { toInfluxQl, type InfluxQl } from './influxql.js';

export const DATASOURCE_UID = 'eve-influxdb';
export const DATASOURCE = { type: 'influxdb', uid: DATASOURCE_UID } as const;

export interface InfluxQuery extends Dataquery {
  refId: string;
  datasource: typeof DATASOURCE;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
}

export class InfluxQueryBuilder implements Builder<Dataquery> {
  private readonly internal: InfluxQuery;

  constructor(refId: string, readonly spec: InfluxQl, format: 'time_series' | 'table' = 'time_series') {
    this.internal = { refId, datasource: DATASOURCE, query: toInfluxQl(spec), rawQuery: true, resultFormat: format, _implementsDataqueryVariant() {} };
  }

  build(): InfluxQuery {
    return this.internal;
  }
}
