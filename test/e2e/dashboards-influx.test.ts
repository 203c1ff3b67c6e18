/**
 * Every panel of every dashboard, run against a real InfluxDB after a short virtual campaign,
 * returns non-empty series with the columns the panel reads.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTopic, toLineProtocol, type TelemetryKind } from '@eve-bench/bench-controller';
import { interpolate, panelQueries } from '../../dashboards/src/panel-queries.js';
import { runEve } from '../src/run-cli.js';
import { startInfluxd, type Influxd } from '../src/influxd.js';

const DB = 'eve';
let influx: Influxd;
let range: { fromMs: number; toMs: number };

beforeAll(async () => {
  influx = await startInfluxd();
  await influx.query(`CREATE DATABASE ${DB}`);
  const out = mkdtempSync(join(tmpdir(), 'eve-dash-'));
  const fromMs = Date.now() - 1000;
  const r = await runEve(['demo', '--quick', '--out', out, '--seed', '5'], 180_000);
  expect(r.code, r.stderr).toBe(0);
  const lines = readFileSync(join(out, 'telemetry.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { topic, payload } = JSON.parse(l) as { topic: string; payload: never };
    const t = parseTopic(topic)!;
    return toLineProtocol(t.kind as TelemetryKind, t.bench, t.board, payload);
  });
  await influx.write(DB, lines.join('\n'));
  range = { fromMs, toMs: Date.now() + 1000 };
}, 240_000);

afterAll(async () => {
  await influx?.stop();
});

describe('dashboards against a real InfluxDB', () => {
  it.each(panelQueries().map((q) => [`${q.dashboard} / ${q.panel} / ${q.refId}`, q] as const))('%s', async (_name, q) => {
    const sql = interpolate(q.influxql, { ...range, interval: '5s', bench: '.*' });
    const [result] = await influx.query(sql, DB);
    const series = result?.series ?? [];
    expect(series.length, `no series for: ${sql}`).toBeGreaterThan(0);
    for (const col of q.expects) {
      const withValue = series.some((s) => {
        const i = s.columns.indexOf(col);
        return i >= 0 && s.values.some((v) => v[i] !== null && v[i] !== undefined);
      });
      expect(withValue, `column ${col} empty in: ${sql}`).toBe(true);
    }
  });
});
