/**
 * Grafana dashboards for the lab, generated from specs in TypeScript with the Grafana Foundation
 * SDK. They read bench-controller's telemetry point mapping (line-protocol.ts); they never define
 * their own names for measurements, tags or fields.
 */
export { KINDS as TELEMETRY_KINDS, TOPIC_ROOT, SCHEMAS as TELEMETRY_SCHEMAS } from '@eve-bench/bench-controller';
export * from './influxql/influxql.js';
export * from './influxql/influx-query-builder.js';
export * from './panels/panel-spec.js';
export * from './panels/build-panel.js';
export * from './dashboards/all.js';
export * from './dashboards/build-dashboard.js';
export * from './alerts/telemetry-stall.js';
export * from './provisioning/render.js';
export * from './panel-queries.js';
