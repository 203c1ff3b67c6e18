/**
 * A generic request/response matcher with per-request timeouts (after zigbee-herdsman's
 * "waitress"): a caller registers what it waits for; incoming messages are offered to the
 * waiters in order; a waiter that nobody answers in time is rejected with a retriable error.
 * Timers are injected, so tests never wait for real time.
 */
import { EveError } from '@eve-bench/device-agent';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Waiter<T> {
  matches(m: T): boolean;
  resolve(m: T): void;
  reject(e: Error): void;
  timer: unknown;
}

export class Waitress<T> {
  private waiters: Waiter<T>[] = [];

  constructor(private readonly timers: Timers = realTimers) {}

  wait(matches: (m: T) => boolean, timeoutMs: number, what: string, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(new EveError('BOARD_ABORTED', `${what}: aborted`, { cause: signal.reason }));
      const done = () => {
        this.timers.clearTimeout(w.timer);
        this.waiters = this.waiters.filter((x) => x !== w);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => { done(); reject(new EveError('BOARD_ABORTED', `${what}: aborted`, { cause: signal!.reason })); };
      const w: Waiter<T> = {
        matches,
        resolve: (m) => { done(); resolve(m); },
        reject: (e) => { done(); reject(e); },
        timer: this.timers.setTimeout(() => w.reject(new EveError('BOARD_TIMEOUT', `${what}: no answer within ${timeoutMs} ms`, { retriable: true })), timeoutMs),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  /** Offers a message to the waiters; returns false when nobody was waiting for it. */
  resolve(m: T): boolean {
    const w = this.waiters.find((x) => x.matches(m));
    if (!w) return false;
    w.resolve(m);
    return true;
  }

  rejectAll(e: Error): void {
    for (const w of [...this.waiters]) w.reject(e);
  }
}
