import { describe, expect, it } from 'vitest';
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from './byte-transport.js';
import { createMemoryPair } from './memory-transport.js';
import { ReconnectingTransport, type ReconnectAttempt, type ReconnectClock } from './reconnecting-transport.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A clock whose timers fire only when the test says so; `next()` waits for one to be set. */
function manualClock() {
  const pending: Array<{ fn: () => void; ms: number; handle: number }> = [];
  let waiter: (() => void) | undefined;
  let n = 0;
  const clock: ReconnectClock = {
    setTimeout: (fn, ms) => {
      pending.push({ fn, ms, handle: ++n });
      waiter?.();
      return n;
    },
    clearTimeout: (h) => {
      const i = pending.findIndex((p) => p.handle === h);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return {
    clock,
    pending,
    /** Fires the next timer (waiting until one is set) and returns its delay. */
    async fireNext(): Promise<number> {
      while (pending.length === 0) await new Promise<void>((r) => (waiter = r));
      waiter = undefined;
      const t = pending.shift()!;
      t.fn();
      return t.ms;
    },
  };
}

/** The host end of a memory pair whose link can be dropped like an unplugged cable. */
class DroppableEnd implements ByteTransport {
  private dropped = false;
  constructor(private readonly inner: ByteTransport, readonly openError?: EveError) {}
  get address() { return this.inner.address; }
  get isOpen() { return this.inner.isOpen; }
  async open(signal?: AbortSignal) {
    if (this.openError) throw this.openError;
    await this.inner.open(signal);
  }
  write(b: Uint8Array, signal?: AbortSignal) { return this.inner.write(b, signal); }
  close() { return this.inner.close(); }
  async drop() {
    this.dropped = true;
    await this.inner.close();
  }
  async *read(): AsyncGenerator<Uint8Array> {
    yield* this.inner.read();
    if (this.dropped) throw new EveError('TRANSPORT_DISCONNECTED', `${this.address}: dropped`, { retriable: true });
  }
}

/** A factory making a fresh pair per (re)open; `plan` can make some opens fail. */
function fleet(plan: Array<EveError | undefined> = []) {
  const hosts: DroppableEnd[] = [];
  const devices: ByteTransport[] = [];
  const factory = () => {
    const [host, device] = createMemoryPair();
    hosts.push(new DroppableEnd(host, plan[hosts.length]));
    devices.push(device);
    void device.open();
    return hosts[hosts.length - 1]!;
  };
  return { factory, hosts, devices };
}

const retriable = new EveError('TRANSPORT_CONNECT_FAILED', 'port not there yet', { retriable: true });

describe('ReconnectingTransport', () => {
  it('reopens through the factory after a retriable read failure and keeps reading', async () => {
    const { factory, hosts, devices } = fleet();
    const mc = manualClock();
    const t = new ReconnectingTransport(factory, { initialDelayMs: 100, maxDelayMs: 1000, clock: mc.clock, random: () => 0.5 });
    await t.open();
    const it = t.read()[Symbol.asyncIterator]();
    await devices[0]!.write(bytes('before'));
    expect(text((await it.next()).value)).toBe('before');
    await hosts[0]!.drop();
    const pendingRead = it.next();
    expect(await mc.fireNext()).toBe(75); // ceiling 100: half fixed + half * 0.5 jitter
    expect(hosts).toHaveLength(2);
    await devices[1]!.write(bytes('after'));
    expect(text((await pendingRead).value)).toBe('after');
    expect(t.isOpen).toBe(true);
    await t.write(bytes('to new link'));
    expect(text((await devices[1]!.read()[Symbol.asyncIterator]().next()).value)).toBe('to new link');
    await t.close();
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('backs off exponentially with jitter up to the cap while reopening fails, then resets', async () => {
    const { factory, hosts, devices } = fleet([undefined, retriable, retriable, retriable, retriable]);
    const mc = manualClock();
    const seen: ReconnectAttempt[] = [];
    const randoms = [0, 1 - 1e-9, 0, 0.5, 0];
    const t = new ReconnectingTransport(factory, {
      initialDelayMs: 100, maxDelayMs: 500, clock: mc.clock, random: () => randoms.shift() ?? 0, onRetry: (a) => seen.push(a),
    });
    await t.open();
    const it = t.read()[Symbol.asyncIterator]();
    await hosts[0]!.drop();
    const pendingRead = it.next();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) delays.push(await mc.fireNext());
    // ceilings 100, 200, 400, 500, 500; each wait is in [ceiling/2, ceiling)
    expect(delays.map(Math.round)).toEqual([50, 200, 200, 375, 250]);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(seen[1]!.error).toBe(retriable);
    await devices[5]!.write(bytes('up'));
    expect(text((await pendingRead).value)).toBe('up');
    await hosts[5]!.drop();
    const again = it.next();
    expect(await mc.fireNext()).toBe(50); // a successful reopen restarts the backoff
    await devices[6]!.write(bytes('again'));
    expect(text((await again).value)).toBe('again');
    await t.close();
  });

  it('gives up with TRANSPORT_RECONNECT_FAILED after maxAttempts, and passes non-retriable errors through', async () => {
    const { factory, hosts } = fleet([undefined, retriable, retriable]);
    const mc = manualClock();
    const t = new ReconnectingTransport(factory, { initialDelayMs: 10, maxDelayMs: 10, maxAttempts: 2, clock: mc.clock, random: () => 0 });
    await t.open();
    const it = t.read()[Symbol.asyncIterator]();
    await hosts[0]!.drop();
    const failed = expect(it.next()).rejects.toMatchObject({ code: 'TRANSPORT_RECONNECT_FAILED', retriable: false, cause: retriable });
    await mc.fireNext();
    await mc.fireNext();
    await failed;

    const fatal = new EveError('TRANSPORT_BAD_OPTION', 'wrong baud');
    const f2 = fleet([undefined, fatal]);
    const t2 = new ReconnectingTransport(f2.factory, { clock: mc.clock, random: () => 0 });
    await t2.open();
    const it2 = t2.read()[Symbol.asyncIterator]();
    await f2.hosts[0]!.drop();
    const failed2 = expect(it2.next()).rejects.toBe(fatal);
    await mc.fireNext();
    await failed2;
  });

  it('close() during a backoff stops reconnecting and ends the reader', async () => {
    const { factory, hosts } = fleet();
    const mc = manualClock();
    const t = new ReconnectingTransport(factory, { clock: mc.clock, random: () => 0 });
    await t.open();
    const it = t.read()[Symbol.asyncIterator]();
    await hosts[0]!.drop();
    const pendingRead = it.next();
    while (mc.pending.length === 0) await new Promise((r) => setImmediate(r));
    await t.close();
    expect(await pendingRead).toEqual({ value: undefined, done: true });
    expect(mc.pending).toHaveLength(0);
    expect(hosts).toHaveLength(1);
    await expect(t.write(bytes('x'))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('a normal end of the inner stream ends the reader; a first open failure is reported as is', async () => {
    const { factory, devices } = fleet();
    const t = new ReconnectingTransport(factory, { random: () => 0 });
    await t.open();
    await devices[0]!.close();
    const got: Uint8Array[] = [];
    for await (const c of t.read()) got.push(c);
    expect(got).toEqual([]);
    const f2 = fleet([retriable]);
    await expect(new ReconnectingTransport(f2.factory, { random: () => 0 }).open()).rejects.toBe(retriable);
    expect(() => new ReconnectingTransport(factory, { initialDelayMs: 10, maxDelayMs: 5, random: () => 0 }))
      .toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_OPTION' }));
  });
});
