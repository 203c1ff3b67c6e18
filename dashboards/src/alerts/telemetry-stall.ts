/**
 * The telemetry-stall alert: fires when the lab has sent no telemetry for `minutes`. "No data" is
 * the failure this rule exists for, so both no-data and query errors alert — an alert that reads
 * "OK" while the lab is silent would be worse than none. It watches the whole stream: a per-bench
 * grouping would not fire for a bench that went silent (its series just disappears from the
 * window); a bench that drops off shows as offline on the Lab overview (MQTT last will).
 */
import { QueryBuilder, RuleBuilder, RuleGroupBuilder } from '@grafana/grafana-foundation-sdk/alerting';
import { TypeReduceBuilder, TypeThresholdBuilder } from '@grafana/grafana-foundation-sdk/expr';
import { DATASOURCE_UID, InfluxQueryBuilder } from '../influxql/influx-query-builder.js';
import type { InfluxQl } from '../influxql/influxql.js';

export const STALL_FOLDER_UID = 'eve-bench';

export function stallQuery(): InfluxQl {
  return { select: [{ expr: 'count("seq")', as: 'messages' }], from: 'telemetry', benchFilter: false };
}

export function telemetryStallRuleGroup(minutes = 5) {
  const window = minutes * 60;
  const rule = new RuleBuilder(`No telemetry for ${minutes} minutes`)
    .uid('eve-telemetry-stall')
    .ruleGroup('eve-telemetry')
    .folderUID(STALL_FOLDER_UID)
    .orgID(1)
    .condition('C')
    .withQuery(new QueryBuilder('A').datasourceUid(DATASOURCE_UID).relativeTimeRange({ from: window, to: 0 }).model(new InfluxQueryBuilder('A', stallQuery())))
    .withQuery(new QueryBuilder('B').datasourceUid('__expr__').model(new TypeReduceBuilder().refId('B').expression('A').reducer('last')))
    .withQuery(new QueryBuilder('C').datasourceUid('__expr__').model(new TypeThresholdBuilder().refId('C').expression('B').conditions([{ evaluator: { type: 'lt', params: [1] } }])))
    .noDataState('Alerting')
    .execErrState('Alerting')
    .forDuration('0s')
    .labels({ severity: 'page', team: 'lab' })
    .annotations({ summary: `A bench has sent no telemetry for ${minutes} minutes`, description: 'Check the boards, the broker and the telemetry bridge.' });
  return new RuleGroupBuilder('eve-telemetry').folderUid(STALL_FOLDER_UID).interval(60).withRule(rule);
}
