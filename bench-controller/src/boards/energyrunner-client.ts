/**
 * Host side of the MLPerf Tiny EnergyRunner text protocol, for boards running EnergyRunner-style
 * firmware: commands end with '%', the board answers lines and closes every reply with 'm-ready';
 * 'e-[...]' lines are errors. One command in flight; each has a timeout.
 */
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from '../transport/byte-transport.js';

/** Bytes per `db HEX%` line (EnergyRunner sends 31; 26 behind its power manager). */
export const DB_BYTES_PER_LINE = 31;

export interface EnergyRunnerInference {
  n: number;
  warmup: number;
  /** Mean latency from the DUT's two lap timestamps, microseconds. */
  latencyUs: number;
  results: number[];
}

export class EnergyRunnerClient {
  private lines: string[] = [];
  private partial = '';
  private waiting: (() => void) | undefined;
  private closed: Error | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly reading: Promise<void>;

  constructor(private readonly transport: ByteTransport, private readonly o: { timeoutMs: number }) {
    this.reading = this.readLoop();
  }

  private async readLoop(): Promise<void> {
    const dec = new TextDecoder();
    try {
      for await (const chunk of this.transport.read()) {
        this.partial += dec.decode(chunk, { stream: true });
        const parts = this.partial.split(/\r?\n/);
        this.partial = parts.pop() ?? '';
        if (this.partial.length > 4096) this.partial = ''; // a line that never ends is noise
        this.lines.push(...parts.filter((l) => l.length > 0));
        this.waiting?.();
      }
      this.closed = new EveError('BOARD_LINK_CLOSED', `${this.transport.address}: link closed`, { retriable: true });
    } catch (e) {
      this.closed = new EveError('BOARD_LINK_FAILED', `${this.transport.address}: ${(e as Error).message}`, { retriable: true, cause: e });
    }
    this.waiting?.();
  }

  /** Sends `cmd%` and returns the reply lines before 'm-ready'; an 'e-[...]' line throws. */
  command(cmd: string): Promise<string[]> {
    if (/[%\r\n]/.test(cmd)) return Promise.reject(new EveError('ER_BAD_COMMAND', `EnergyRunner command may not contain %, CR or LF: '${cmd}'`));
    const run = async (): Promise<string[]> => {
      await this.transport.write(new TextEncoder().encode(`${cmd}%`));
      const deadline = Date.now() + this.o.timeoutMs;
      const reply: string[] = [];
      for (;;) {
        while (this.lines.length > 0) {
          const l = this.lines.shift()!;
          if (l === 'm-ready') {
            const err = reply.find((x) => x.startsWith('e-['));
            if (err) throw new EveError('ER_DUT_ERROR', `${cmd}: the board answered ${err}`);
            return reply;
          }
          reply.push(l);
        }
        if (this.closed) throw this.closed;
        const left = deadline - Date.now();
        if (left <= 0) throw new EveError('BOARD_TIMEOUT', `${this.transport.address} ${cmd}: no m-ready within ${this.o.timeoutMs} ms`, { retriable: true });
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          this.waiting = () => { clearTimeout(t); this.waiting = undefined; resolve(); };
        });
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async name(): Promise<string> {
    return field(await this.command('name'), 'm-name-dut-', 'name');
  }

  async profile(): Promise<{ profile: string; model: string }> {
    const r = await this.command('profile');
    return { profile: field(r, 'm-profile-', 'profile'), model: field(r, 'm-model-', 'profile') };
  }

  async timestampUs(): Promise<number> {
    return Number(lapValues(await this.command('timestamp'))[0]);
  }

  async load(bytes: Uint8Array): Promise<void> {
    await this.command(`db load ${bytes.length}`);
    let done = false;
    for (let i = 0; i < bytes.length; i += DB_BYTES_PER_LINE) {
      const hex = Array.from(bytes.subarray(i, i + DB_BYTES_PER_LINE), (b) => b.toString(16).padStart(2, '0')).join('');
      done = (await this.command(`db ${hex}`)).includes('m-load-done');
    }
    if (!done) throw new EveError('ER_PROTOCOL', 'db load: the board never said m-load-done');
  }

  async infer(n: number, warmup: number): Promise<EnergyRunnerInference> {
    const r = await this.command(`infer ${n} ${warmup}`);
    const laps = lapValues(r);
    if (laps.length !== 2) throw new EveError('ER_PROTOCOL', `infer: expected two m-lap-us lines, got ${laps.length}`);
    const results = field(r, 'm-results-', 'infer').split(',').map(Number);
    if (results.some((v) => !Number.isFinite(v))) throw new EveError('ER_PROTOCOL', 'infer: m-results holds a non-number');
    return { n, warmup, latencyUs: (laps[1]! - laps[0]!) / n, results };
  }

  async close(): Promise<void> {
    await this.transport.close();
    await this.reading;
  }
}

/** The bracketed value of the first line starting with `prefix`, e.g. m-name-dut-[X] -> X. */
function field(lines: string[], prefix: string, cmd: string): string {
  const l = lines.find((x) => x.startsWith(prefix));
  const m = l?.slice(prefix.length).match(/^\[(.*)\]$/);
  if (!m) throw new EveError('ER_PROTOCOL', `${cmd}: no '${prefix}[...]' line in the reply (${lines.join(' | ').slice(0, 200)})`);
  return m[1]!;
}

function lapValues(lines: string[]): number[] {
  return lines.filter((l) => l.startsWith('m-lap-us-')).map((l) => Number(l.slice('m-lap-us-'.length)));
}
