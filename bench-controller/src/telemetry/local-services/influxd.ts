/**
 * A local InfluxDB 1.x for tests and benchmarks: a generated config (temp meta/data/wal dirs, HTTP and RPC on
 * ephemeral loopback ports, no reporting, every other listener off), stopped and restarted at will.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EveError } from '@eve-bench/device-agent';
import { Child } from './child.js';
import { freePort } from './free-port.js';

export class Influxd {
  private child: Child | undefined;
  private constructor(private readonly bin: string, private readonly conf: string, readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(o: { bin: string; dir: string; auth?: boolean }): Promise<Influxd> {
    const { bin, dir } = o;
    for (const d of ['meta', 'data', 'wal']) mkdirSync(join(dir, d), { recursive: true });
    const [http, rpc] = [await freePort(), await freePort()];
    const conf = [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpc}"`,
      '[meta]', `  dir = "${join(dir, 'meta')}"`,
      '[data]', `  dir = "${join(dir, 'data')}"`, `  wal-dir = "${join(dir, 'wal')}"`, '  query-log-enabled = false', '  trace-logging-enabled = false',
      '[http]', '  enabled = true', `  bind-address = "127.0.0.1:${http}"`, '  log-enabled = false', `  auth-enabled = ${o.auth ? 'true' : 'false'}`,
      '[monitor]', '  store-enabled = false',
      '[continuous_queries]', '  enabled = false',
      '[subscriber]', '  enabled = false',
      '[logging]', '  level = "warn"',
    ].join('\n');
    const path = join(dir, 'influxdb.conf');
    writeFileSync(path, conf);
    const i = new Influxd(bin, path, http);
    await i.resume();
    return i;
  }

  async resume(): Promise<void> {
    this.child = new Child(this.bin, ['-config', this.conf]);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await fetch(`${this.url}/ping`).then((r) => r.status === 204, () => false);
      if (ok) return;
      if (Date.now() > deadline || !this.child.running) throw new EveError('INFLUXD_START', `influxd did not come up:\n${this.child.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.child?.stop('SIGTERM');
  }

  async query(q: string, db?: string, user?: { username: string; password: string }): Promise<Array<{ columns: string[]; values: unknown[][] }>> {
    const u = new URL('/query', this.url);
    u.searchParams.set('q', q);
    if (db) u.searchParams.set('db', db);
    if (user) { u.searchParams.set('u', user.username); u.searchParams.set('p', user.password); }
    const r = await fetch(u, { method: 'POST' });
    const body = (await r.json()) as { error?: string; results?: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }>; error?: string }> };
    // a refused request (401, 403) answers with a top-level error instead of results
    if (body.error || !body.results?.[0]) throw new EveError('INFLUX_QUERY', `${q}: ${body.error ?? `HTTP ${r.status}`}`);
    const res = body.results[0];
    if (res.error) throw new EveError('INFLUX_QUERY', `${q}: ${res.error}`);
    return res.series ?? [];
  }

  /** The number of points of a measurement (count of a field that every point has). */
  async count(db: string, measurement: string, field = 'seq'): Promise<number> {
    const s = await this.query(`SELECT count("${field}") FROM "${measurement}"`, db);
    return (s[0]?.values[0]?.[1] as number | undefined) ?? 0;
  }
}
