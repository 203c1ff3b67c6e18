/**
 * Writes line protocol to InfluxDB 1.x's `/write` (precision ns). Hand-written over fetch because
 * @influxdata/influxdb-client speaks the v2 API (`/api/v2/write`), which InfluxDB 1.6 lacks.
 * Every failure is an EveError that carries its own retry decision: network errors, 5xx and 429
 * are retriable; 400 (bad points, partial writes), 401, 403 and 404 (no such database) are not.
 */
import { EveError } from '@eve-bench/device-agent';

export interface InfluxV1Options {
  url: string;
  db: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
}

export class InfluxV1Writer {
  private readonly endpoint: string;
  private readonly auth: string | undefined;

  constructor(private readonly o: InfluxV1Options) {
    let u: URL;
    try {
      u = new URL('/write', o.url);
    } catch {
      throw new EveError('INFLUX_URL', `'${o.url}' is not an InfluxDB URL (e.g. http://localhost:8086)`);
    }
    u.searchParams.set('db', o.db);
    u.searchParams.set('precision', 'ns');
    this.endpoint = u.toString();
    this.auth = o.username !== undefined ? `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}` : undefined;
  }

  async write(lines: readonly string[]): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        body: lines.join('\n'),
        headers: { 'content-type': 'text/plain; charset=utf-8', ...(this.auth ? { authorization: this.auth } : {}) },
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new EveError('INFLUX_UNREACHABLE', `InfluxDB ${this.o.url}: ${(e as Error).message}`, { retriable: true, cause: e });
    }
    if (res.status === 204 || res.status === 200) {
      await res.body?.cancel();
      return;
    }
    const text = (await res.text().catch(() => '')).trim().slice(0, 500);
    const retriable = res.status >= 500 || res.status === 429;
    throw new EveError(`INFLUX_HTTP_${res.status}`, `InfluxDB ${this.o.url} refused the write (${res.status}): ${text}`, { retriable });
  }
}
