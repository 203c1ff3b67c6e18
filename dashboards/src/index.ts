/**
 * Dashboards read the telemetry schema that bench-controller publishes; they never define their
 * own names for topics or fields. The Grafana dashboards generated from it are issue 6.
 */
export { KINDS as TELEMETRY_KINDS, TOPIC_ROOT, SCHEMAS as TELEMETRY_SCHEMAS } from '@eve-bench/bench-controller';
