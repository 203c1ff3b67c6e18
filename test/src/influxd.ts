/**
 * A throwaway InfluxDB 1.x for tests: its own config, data in a temp dir, HTTP on a loopback
 * ephemeral port, no reporting, no other listeners; stopped (and its files removed) by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireSystemTool } from './system-tools.js';

export interface Influxd {
  url: string;
  port: number;
  dir: string;
  /** An InfluxQL statement or query through `/query`; throws on an HTTP or InfluxDB error. */
  query(q: string, db?: string): Promise<InfluxResult[]>;
  write(db: string, lines: string, precision?: 'ns' | 'ms'): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server but keeps its data, for outage tests (SIGKILL for a crash). */
  halt(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface InfluxResult {
  statement_id: number;
  series?: InfluxSeries[];
  error?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startInfluxd(): Promise<Influxd> {
  const bin = requireSystemTool('influxd', 'influxdb');
  const dir = await mkdtemp(join(tmpdir(), 'eve-influxd-'));
  const [port, rpc] = [await freePort(), await freePort()];
  const config = join(dir, 'influxdb.conf');
  await writeFile(config, `reporting-disabled = true
bind-address = "127.0.0.1:${rpc}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
`);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const up = async () => {
    child = spawn(bin, ['-config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`influxd exited (${child.exitCode}): ${stderr}`);
      try {
        if ((await fetch(`${url}/ping`)).status === 204) return;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`influxd did not answer /ping within 30 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const down = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => { c.once('exit', () => resolve()); c.kill(signal); });
  };
  await up();

  const query = async (q: string, db?: string): Promise<InfluxResult[]> => {
    const body = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
    const res = await fetch(`${url}/query`, { method: 'POST', body });
    const json = (await res.json()) as { results?: InfluxResult[]; error?: string };
    if (!res.ok || json.error) throw new Error(`influx query failed (${res.status}): ${json.error ?? ''}: ${q}`);
    const err = json.results?.find((r) => r.error);
    if (err) throw new Error(`influx query error: ${err.error}: ${q}`);
    return json.results ?? [];
  };
  return {
    url, port, dir, query,
    write: async (db, lines, precision = 'ns') => {
      const res = await fetch(`${url}/write?db=${encodeURIComponent(db)}&precision=${precision}`, { method: 'POST', body: lines });
      if (res.status !== 204) throw new Error(`influx write failed (${res.status}): ${await res.text()}`);
    },
    stop: async () => {
      await down('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    halt: (signal = 'SIGTERM') => down(signal),
    resume: up,
  };
}
