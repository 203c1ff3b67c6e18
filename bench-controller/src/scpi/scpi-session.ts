/**
 * A SCPI conversation over any ByteTransport: newline-terminated commands, strictly one command
 * in flight (callers queue), a per-command timeout, `*IDN?` and error-queue helpers.
 *
 * After a timeout or an abort mid-exchange the session is *desynchronised*: a late reply could be
 * taken for the answer to the next query, so every later call fails with SCPI_DESYNC and the
 * caller reconnects (a new transport and session). Hand-written rather than a library because
 * the npm SCPI packages are tied to VISA/NI backends; the protocol part is this small.
 */
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from '../transport/byte-transport.js';
import { assertSingleLine } from './scpi-arguments.js';

/** Timer source, injectable so tests can fire timeouts deterministically. */
export interface ScpiClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemScpiClock: ScpiClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface ScpiSessionOptions {
  /** Per command: from sending it to its reply (queries) or to the bytes being written. */
  timeoutMs: number;
  clock?: ScpiClock;
  /** Longest reply line accepted (default 64 KiB). */
  maxReplyChars?: number;
}

export interface InstrumentIdentity {
  vendor: string;
  model: string;
  serial: string;
  firmware: string;
}

export interface InstrumentErrorEntry {
  code: number;
  message: string;
}

/** A non-zero entry in the instrument's error queue, attributed to the command that caused it. */
export class ScpiInstrumentError extends EveError {
  constructor(readonly command: string, readonly errors: InstrumentErrorEntry[]) {
    super('SCPI_INSTRUMENT_ERROR', `instrument reported ${errors.map((e) => `${e.code},"${e.message}"`).join('; ')} after '${command}'`);
  }
}

type Pending = { command: string; resolve: (line: string) => void; reject: (e: unknown) => void };

const encoder = new TextEncoder();

export class ScpiSession {
  private tail: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  private broken: EveError | undefined;
  private lastCommand = '(none)';
  private strays = 0;
  private readonly clock: ScpiClock;
  private readonly maxReplyChars: number;

  /** `transport` must already be open: the session becomes its single reader at once. */
  constructor(private readonly transport: ByteTransport, private readonly options: ScpiSessionOptions) {
    if (!(options.timeoutMs > 0)) throw new EveError('SCPI_BAD_ARGUMENT', `timeoutMs must be positive, got ${options.timeoutMs}`);
    this.clock = options.clock ?? systemScpiClock;
    this.maxReplyChars = options.maxReplyChars ?? 65536;
    void this.pump();
  }

  get address(): string {
    return this.transport.address;
  }

  /** Reply lines that arrived with no query waiting (a sign of a confused instrument). */
  get strayReplies(): number {
    return this.strays;
  }

  /** Sends a command that has no reply. */
  write(command: string, signal?: AbortSignal): Promise<void> {
    return this.enqueue(command, false, signal).then(() => undefined);
  }

  /** Sends a query and resolves with its reply line (without the terminator). */
  query(command: string, signal?: AbortSignal): Promise<string> {
    return this.enqueue(command, true, signal);
  }

  /** Sends a command, then drains the error queue; a non-zero entry is a ScpiInstrumentError naming it. */
  async writeChecked(command: string, signal?: AbortSignal): Promise<void> {
    await this.write(command, signal);
    await this.checkErrors(command, signal);
  }

  async identify(signal?: AbortSignal): Promise<InstrumentIdentity> {
    const reply = await this.query('*IDN?', signal);
    const parts = reply.split(',').map((p) => p.trim());
    // Some firmware appends a fifth field (Siglent: the hardware version); it joins the firmware.
    if (parts.length < 4 || parts.length > 5 || parts.some((p) => p === '')) {
      throw new EveError('SCPI_BAD_REPLY', `'*IDN?' answered ${JSON.stringify(reply.slice(0, 120))}, expected 'vendor,model,serial,firmware'`);
    }
    const [vendor, model, serial, ...firmware] = parts as [string, string, string, string];
    return { vendor, model, serial, firmware: firmware.join(',') };
  }

  /**
   * Reads `SYST:ERR?` until the queue is empty. Throws ScpiInstrumentError listing every entry,
   * naming `command` (default: the last command sent before this check).
   */
  async checkErrors(command?: string, signal?: AbortSignal): Promise<void> {
    const culprit = command ?? this.lastCommand;
    const errors: InstrumentErrorEntry[] = [];
    // Instruments keep a bounded queue (tens of entries); the bound stops a broken one looping us forever.
    for (let i = 0; i < 64; i++) {
      const reply = await this.query('SYST:ERR?', signal);
      const m = /^\s*([+-]?\d+)\s*,\s*"(.*)"\s*$/.exec(reply);
      if (!m) throw new EveError('SCPI_BAD_REPLY', `'SYST:ERR?' answered ${JSON.stringify(reply.slice(0, 120))}, expected '<code>,"<message>"'`);
      const code = Number(m[1]);
      if (code === 0) break;
      errors.push({ code, message: m[2]! });
    }
    if (errors.length > 0) throw new ScpiInstrumentError(culprit, errors);
  }

  /** Closes the transport; queued and in-flight commands fail with SCPI_CLOSED. */
  async close(): Promise<void> {
    this.fail(new EveError('SCPI_CLOSED', `${this.address}: session closed`));
    await this.transport.close();
  }

  private enqueue(command: string, expectReply: boolean, signal?: AbortSignal): Promise<string> {
    try {
      assertSingleLine(command);
    } catch (e) {
      return Promise.reject(e);
    }
    const run = this.tail.then(() => this.exchange(command, expectReply, signal));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async exchange(command: string, expectReply: boolean, signal?: AbortSignal): Promise<string> {
    if (this.broken) throw this.broken;
    if (signal?.aborted) throw new EveError('SCPI_ABORTED', `'${command}' aborted before it was sent`, { cause: signal.reason });
    if (!command.startsWith('SYST:ERR?')) this.lastCommand = command;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      let entry: Pending | undefined;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (entry !== undefined && this.pending === entry) this.pending = undefined;
        fn();
      };
      const desync = (error: EveError) => {
        this.broken ??= new EveError('SCPI_DESYNC', `${this.address}: an earlier exchange ('${command}') did not complete; reconnect`, { retriable: true, cause: error });
        finish(() => reject(error));
      };
      const timer = this.clock.setTimeout(() => {
        desync(new EveError('SCPI_TIMEOUT', `${this.address}: no ${expectReply ? 'reply to' : 'completion of'} '${command}' within ${this.options.timeoutMs} ms`, { retriable: true }));
      }, this.options.timeoutMs);
      const onAbort = () => desync(new EveError('SCPI_ABORTED', `'${command}' aborted in flight`, { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (expectReply) {
        entry = { command, resolve: (line) => finish(() => resolve(line)), reject: (e) => finish(() => reject(e)) };
        this.pending = entry;
      }
      this.transport.write(encoder.encode(`${command}\n`), signal).then(
        () => {
          if (!expectReply) finish(() => resolve(''));
        },
        (e: unknown) => {
          this.fail(e instanceof EveError ? e : new EveError('SCPI_TRANSPORT', `${this.address}: write failed`, { retriable: true, cause: e }));
          finish(() => reject(e));
        },
      );
    });
  }

  /** The single reader: splits the byte stream into lines and hands each to the waiting query. */
  private async pump(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of this.transport.read()) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          this.deliver(line);
        }
        if (buffer.length > this.maxReplyChars) {
          this.fail(new EveError('SCPI_BAD_REPLY', `${this.address}: reply longer than ${this.maxReplyChars} characters without a newline`));
          return;
        }
      }
      this.fail(new EveError('SCPI_CONNECTION_CLOSED', `${this.address}: the instrument closed the connection`, { retriable: true }));
    } catch (e) {
      this.fail(e instanceof EveError ? e : new EveError('SCPI_TRANSPORT', `${this.address}: read failed`, { retriable: true, cause: e }));
    }
  }

  private deliver(line: string): void {
    const p = this.pending;
    if (!p) {
      this.strays++;
      return;
    }
    this.pending = undefined;
    p.resolve(line);
  }

  private fail(error: EveError): void {
    this.broken ??= error;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(error);
  }
}
