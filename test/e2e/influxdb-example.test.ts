/**
 * The shipped InfluxDB setup (examples/influxdb/setup.sh) on a real influxd with authentication
 * on: the bridge's user can write but not read, Grafana's can read but not write, and nobody
 * writes without credentials.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Influxd, InfluxV1Writer } from '@eve-bench/bench-controller';
import { repoRoot, requireSystemTool } from '../src/index.js';

const PASSWORDS = { ADMIN_PASSWORD: 'admin-secret', BRIDGE_PASSWORD: 'bridge-secret', GRAFANA_PASSWORD: 'grafana-secret' };
const point = 'eve_telemetry,bench=b1,board=x capacitorV=3.1,seq=0i 1700000000000000000';

describe('examples/influxdb on a real influxd', () => {
  let dir: string;
  let influx: Influxd;

  beforeAll(async () => {
    requireSystemTool('curl', 'curl');
    dir = mkdtempSync(join(tmpdir(), 'eve-influx-example-'));
    influx = await Influxd.start({ bin: requireSystemTool('influxd', 'influxdb'), dir, auth: true });
    const run = () => execFileSync('sh', [join(repoRoot, 'examples/influxdb/setup.sh')], { env: { ...process.env, ...PASSWORDS, INFLUX_URL: influx.url }, encoding: 'utf8' });
    expect(run()).toContain('write-only user eve-bridge');
    run(); // idempotent
  }, 60_000);

  afterAll(async () => {
    await influx?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets the bridge user write but not read', async () => {
    await new InfluxV1Writer({ url: influx.url, db: 'eve', username: 'eve-bridge', password: PASSWORDS.BRIDGE_PASSWORD }).write([point]);
    await expect(influx.query('SELECT * FROM eve_telemetry', 'eve', { username: 'eve-bridge', password: PASSWORDS.BRIDGE_PASSWORD })).rejects.toThrow(/not authorized/);
    const rows = await influx.query('SELECT count(seq) FROM eve_telemetry', 'eve', { username: 'grafana', password: PASSWORDS.GRAFANA_PASSWORD });
    expect(rows[0]!.values[0]![1]).toBe(1);
  });

  it('refuses writes without credentials or from the read-only user, as non-retriable', async () => {
    await expect(new InfluxV1Writer({ url: influx.url, db: 'eve' }).write([point])).rejects.toMatchObject({ code: 'INFLUX_HTTP_401', retriable: false });
    await expect(new InfluxV1Writer({ url: influx.url, db: 'eve', username: 'grafana', password: PASSWORDS.GRAFANA_PASSWORD }).write([point]))
      .rejects.toMatchObject({ code: 'INFLUX_HTTP_403', retriable: false });
  });
});
