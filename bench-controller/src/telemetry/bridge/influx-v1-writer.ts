/**
 * Writes line protocol to InfluxDB 1.x's `/write` (precision ns). Hand-written because
 * @influxdata/influxdb-client speaks the v2 API (`/api/v2/write`), which InfluxDB 1.6 lacks; over
 * node:http with keep-alive rather than fetch, because fetch copied every batch twice on the way to
 * the socket (TextEncoder, then a clone), a third of the bridge's CPU in a profile. The texts are
 * streamed as they are (chunked), not joined first.
 * Every failure is an EveError that carries its own retry decision: network errors, timeouts, 5xx
 * and 429 are retriable; 400 (bad points, partial writes), 401, 403 and 404 (no such database) are not.
 */
import http from 'node:http';
import https from 'node:https';
import { EveError } from '@eve-bench/device-agent';

export interface InfluxV1Options {
  url: string;
  db: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
  /** Writes in flight at once, each on its own kept-alive connection (default 1). */
  connections?: number;
}

export class InfluxV1Writer {
  private readonly endpoint: URL;
  private readonly headers: Record<string, string>;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(private readonly o: InfluxV1Options) {
    this.endpoint = InfluxV1Writer.endpoint(o);
    const tls = this.endpoint.protocol === 'https:';
    this.request = tls ? https.request : http.request;
    this.agent = new (tls ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: o.connections ?? 1 });
    this.headers = { 'content-type': 'text/plain; charset=utf-8' };
    if (o.username !== undefined) this.headers['authorization'] = `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`;
  }

  /** The `/write` URL for these options; a typed INFLUX_URL error when `url` is not one. */
  static endpoint(o: InfluxV1Options): URL {
    let u: URL;
    try {
      u = new URL('/write', o.url);
    } catch {
      throw new EveError('INFLUX_URL', `'${o.url}' is not an InfluxDB URL (e.g. http://localhost:8086)`);
    }
    u.searchParams.set('db', o.db);
    u.searchParams.set('precision', 'ns');
    return u;
  }

  /** Writes the texts (strings or UTF-8 bytes), each one or more lines, as one batch. */
  write(texts: readonly (string | Uint8Array)[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const unreachable = (e: Error) => reject(new EveError('INFLUX_UNREACHABLE', `InfluxDB ${this.o.url}: ${e.message}`, { retriable: true, cause: e }));
      const req = this.request(this.endpoint, { method: 'POST', headers: this.headers, agent: this.agent, timeout: this.o.timeoutMs ?? 10_000 }, (res) => {
        const status = res.statusCode ?? 0;
        if (status === 204 || status === 200) {
          res.resume();
          res.on('end', resolve).on('error', unreachable);
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { if (body.length < 500) body += d; });
        res.on('error', unreachable);
        res.on('end', () => {
          const retriable = status >= 500 || status === 429;
          reject(new EveError(`INFLUX_HTTP_${status}`, `InfluxDB ${this.o.url} refused the write (${status}): ${body.trim().slice(0, 500)}`, { retriable }));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.o.timeoutMs ?? 10_000} ms`)));
      req.on('error', unreachable);
      req.cork();
      for (let i = 0; i < texts.length; i++) {
        if (i > 0) req.write('\n');
        req.write(texts[i]!);
      }
      req.end();
    });
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }
}
