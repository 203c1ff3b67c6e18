/**
 * Every panel of every dashboard, run against a real InfluxDB after a short virtual campaign,
 * returns non-empty series with the columns the panel reads. The data arrives the production way:
 * `eve lab up` (one board hangs), `eve telemetry bridge` from the lab's broker into influxd,
 * `eve demo --quick` publishing its campaign there, and `eve bench health` finding the hung board,
 * power-cycling it and quarantining it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Child, freePort, Influxd } from '@eve-bench/bench-controller';
import { interpolate, panelQueries } from '../../dashboards/src/panel-queries.js';
import { eveBin, requireSystemTool, runEve } from '../src/index.js';

const DB = 'eve';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let influx: Influxd;
let lab: Child;
let bridge: Child;
let range: { fromMs: number; toMs: number };

async function waitFor(what: () => boolean | Promise<boolean>, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${why()}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eve-dash-'));
  influx = await Influxd.start({ bin: requireSystemTool('influxd', 'influxdb'), dir: join(dir, 'influx') });
  await influx.query(`CREATE DATABASE ${DB}`);
  const fromMs = Date.now() - 1000;

  lab = new Child(process.execPath, [eveBin, 'lab', 'up', '--fault', 'vboard-2:hang-after=0']);
  await waitFor(() => /\nboards:[\s\S]*supply: \{ id: sim-dp832, channel: 2 \}/.test(lab.output) || !lab.running, 30_000, () => lab.output);
  const yaml = lab.output.slice(lab.output.indexOf('bench: virtual-lab')).trim();
  const mqttUrl = /url: "([^"]+)"/.exec(yaml)![1]!;
  // a third board on channel 3 that nothing serves: refused, power-cycled, quarantined on the second check
  const ghost = `  - id: vboard-ghost\n    transport: tcp://127.0.0.1:${await freePort()}\n    profile: stm32l476-m4f\n    supply: { id: sim-dp832, channel: 3 }`;
  const inventory = yaml.replace(/("2": \{ maxVoltageV: [^}]+\})/, '$1\n      "3": { maxVoltageV: 3.6, maxCurrentA: 0.05 }');
  writeFileSync(join(dir, 'inventory.yaml'), `${inventory}\n${ghost}\nquarantineAfter: 2\n`);
  // the demo runs its own virtual boards but publishes to the lab's broker
  writeFileSync(join(dir, 'demo.yaml'), `bench: virtual-lab\nmqtt: { url: "${mqttUrl}", protocolVersion: 4 }\n`);

  bridge = new Child(process.execPath, [eveBin, 'telemetry', 'bridge', '--mqtt', mqttUrl, '--mqtt-protocol', '4', '--influx', influx.url, '--db', DB,
    '--outbox', join(dir, 'outbox.sqlite'), '--dead-letter', join(dir, 'dead-letter.jsonl'), '--metrics-interval', '1', '--name', 'e2e']);
  await waitFor(() => bridge.output.includes('Ctrl-C stops it') || !bridge.running, 20_000, () => bridge.output);

  const demo = await runEve(['demo', '--quick', '--out', join(dir, 'demo'), '--seed', '5', '--config', join(dir, 'demo.yaml')], 240_000);
  expect(demo.code, demo.stderr).toBe(0);
  // first check: vboard-2 is silent (timeout), power-cycled and recovered; the ghost is refused (fault)
  // and power-cycled; second check: the ghost fails again and is quarantined
  const health = () => runEve(['bench', 'health', '--inventory', join(dir, 'inventory.yaml'), '--timeout', '500', '--off', '50', '--boot', '50'], 60_000);
  const first = await health();
  expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(1);
  const second = await health();
  expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(1);
  expect(second.stdout + second.stderr).toMatch(/quarantin/i);

  // every published message reaches InfluxDB (the bridge writes its own metrics each second)
  await waitFor(async () => (await influx.count(DB, 'eve_event')) > 0 && (await influx.query(`SELECT count("seq") FROM "eve_event" WHERE "event" = 'quarantine'`, DB)).length > 0, 30_000, () => bridge.output);
  await sleep(2500);
  range = { fromMs, toMs: Date.now() + 1000 };
}, 420_000);

afterAll(async () => {
  await bridge?.stop();
  await lab?.stop();
  await influx?.stop();
});

describe('dashboards against a real InfluxDB fed by the bridge', () => {
  it.each(panelQueries().map((q) => [`${q.dashboard} / ${q.panel} / ${q.refId}`, q] as const))('%s', async (_name, q) => {
    const sql = interpolate(q.influxql, { ...range, interval: '5s', bench: '.*' });
    const series = await influx.query(sql, DB);
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
