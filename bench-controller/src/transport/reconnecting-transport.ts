/**
 * Keeps a link alive across unplugs and restarts: when the inner transport's read fails with a
 * retriable error, it is closed and a fresh one from `factory` is opened after a jittered
 * exponential backoff, and reading carries on. The factory is the same every time, so a serial
 * port configured by its /dev/serial/by-id name is found again after it re-enumerates.
 * Bytes in flight while the link is down are lost; protocols on top resynchronise (COBS framing)
 * or retry (SCPI), and writes meanwhile fail with a retriable TRANSPORT_CLOSED.
 * Hand-written rather than a retry library: the loop is twenty lines and must use the injected
 * clock and random source so tests never wait for real time.
 */
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from './byte-transport.js';

/** Timer source (structurally the same as the boards' and SCPI's timers). */
export interface ReconnectClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemReconnectClock: ReconnectClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface ReconnectAttempt {
  /** 1 for the first retry after a failure; reset once a reopen succeeds. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface ReconnectingTransportOptions {
  /** Ceiling of the first backoff (default 100 ms); doubles per failed attempt. */
  initialDelayMs?: number;
  /** Cap of the backoff ceiling (default 10 000 ms). */
  maxDelayMs?: number;
  /** Give up after this many failed reopen attempts in a row (default: never). */
  maxAttempts?: number;
  clock?: ReconnectClock;
  /** Uniform in [0, 1), e.g. a seeded Rng's `next`; drives the jitter. */
  random: () => number;
  /** Told before each backoff wait, for logs and telemetry. */
  onRetry?: (a: ReconnectAttempt) => void;
}

export class ReconnectingTransport implements ByteTransport {
  private current: ByteTransport;
  private closed = false;
  private reading = false;
  /** Aborted by close(), so a pending backoff or reopen stops at once. */
  private readonly stop = new AbortController();
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxAttempts: number;
  private readonly clock: ReconnectClock;

  constructor(
    private readonly factory: () => ByteTransport,
    private readonly options: ReconnectingTransportOptions,
  ) {
    this.initialDelayMs = options.initialDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? Infinity;
    this.clock = options.clock ?? systemReconnectClock;
    if (!(this.initialDelayMs > 0) || !(this.maxDelayMs >= this.initialDelayMs)) {
      throw new EveError('TRANSPORT_BAD_OPTION', `need 0 < initialDelayMs <= maxDelayMs, got ${this.initialDelayMs} and ${this.maxDelayMs}`);
    }
    if (!(this.maxAttempts >= 1)) throw new EveError('TRANSPORT_BAD_OPTION', `maxAttempts must be >= 1, got ${this.maxAttempts}`);
    this.current = factory();
  }

  get address(): string {
    return this.current.address;
  }

  get isOpen(): boolean {
    return !this.closed && this.current.isOpen;
  }

  /** Opens once; a first failure is reported as is, since it is usually configuration. */
  async open(signal?: AbortSignal): Promise<void> {
    if (this.closed) throw new EveError('TRANSPORT_CLOSED', `${this.address}: reopened after close()`);
    await this.current.open(signal);
  }

  async write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (this.closed) throw new EveError('TRANSPORT_CLOSED', `${this.address}: write on a closed transport`);
    await this.current.write(bytes, signal);
  }

  read(): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => {
        if (this.reading) throw new EveError('TRANSPORT_READER_BUSY', `${this.address}: only one reader at a time`);
        this.reading = true;
        const gen = this.readAcrossReconnects();
        return {
          next: () => gen.next(),
          return: async () => {
            this.reading = false;
            return gen.return(undefined);
          },
        };
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop.abort();
    await this.current.close();
  }

  private async *readAcrossReconnects(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      for (;;) {
        try {
          yield* this.current.read();
          return; // a normal end: the link was closed on purpose
        } catch (e) {
          if (this.closed || !(e instanceof EveError) || !e.retriable) throw e;
          await this.current.close().catch(() => undefined); // it already failed; its close error adds nothing
          await this.reopen(e);
          if (this.closed) return;
        }
      }
    } finally {
      this.reading = false;
    }
  }

  /** Backs off and opens fresh transports until one opens, close() is called, or we give up. */
  private async reopen(firstError: unknown): Promise<void> {
    let error = firstError;
    for (let attempt = 1; ; attempt++) {
      if (attempt > this.maxAttempts) {
        throw new EveError('TRANSPORT_RECONNECT_FAILED', `${this.address}: gave up after ${this.maxAttempts} reconnect attempts`, { cause: error });
      }
      const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** (attempt - 1));
      // "Equal jitter": at least half the ceiling, so a flapping port is never hammered, and
      // spread over the other half so a rack of boards does not reopen in lockstep.
      const delayMs = ceiling / 2 + (ceiling / 2) * this.options.random();
      this.options.onRetry?.({ attempt, delayMs, error });
      if (!(await this.sleep(delayMs))) return;
      const next = this.factory();
      try {
        await next.open(this.stop.signal);
        if (this.closed) {
          await next.close();
          return;
        }
        this.current = next;
        return;
      } catch (e) {
        if (this.closed) return;
        if (!(e instanceof EveError) || !e.retriable) throw e;
        error = e;
      }
    }
  }

  /** Resolves true after `ms`, or false as soon as close() is called. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.stop.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.clock.clearTimeout(timer);
        resolve(false);
      };
      const timer = this.clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
