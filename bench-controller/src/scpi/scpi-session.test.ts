import { describe, expect, it } from 'vitest';
import { isEveError } from '@eve-bench/device-agent';
import { createMemoryPair } from '../transport/memory-transport.js';
import type { ByteTransport } from '../transport/byte-transport.js';
import { ScpiInstrumentError, ScpiSession, type ScpiClock } from './scpi-session.js';
import { scpiNumber } from './scpi-arguments.js';

/** A scripted instrument: records every line it receives and answers queries from a map. */
async function fakeInstrument(replies: Record<string, string | string[]> = {}) {
  const [host, instrument] = createMemoryPair();
  await host.open();
  await instrument.open();
  const received: string[] = [];
  const queues = new Map(Object.entries(replies).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  const done = (async () => {
    let buf = '';
    for await (const chunk of instrument.read()) {
      buf += new TextDecoder().decode(chunk);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        received.push(line);
        const r = queues.get(line);
        const reply = Array.isArray(r) ? r.shift() : r;
        if (reply !== undefined) await instrument.write(new TextEncoder().encode(`${reply}\n`));
      }
    }
  })();
  return { host, instrument, received, done };
}

/** Timers that fire only when the test says so: no real waiting, no timing assertions. */
function manualClock() {
  const timers = new Map<number, () => void>();
  let next = 1;
  const clock: ScpiClock = {
    setTimeout: (fn) => { timers.set(next, fn); return next++; },
    clearTimeout: (h) => { timers.delete(h as number); },
  };
  return { clock, fireAll: () => { for (const [k, fn] of [...timers]) { timers.delete(k); fn(); } }, pending: () => timers.size };
}

describe('ScpiSession', () => {
  it('writes newline-terminated commands, exactly as given', async () => {
    const f = await fakeInstrument({ '*IDN?': 'RIGOL TECHNOLOGIES,DP832,DP8A0001,00.01.16' });
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    await s.write(':SOUR1:VOLT 3.300');
    expect(await s.query('*IDN?')).toBe('RIGOL TECHNOLOGIES,DP832,DP8A0001,00.01.16');
    expect(f.received).toEqual([':SOUR1:VOLT 3.300', '*IDN?']);
    await s.close();
  });

  it('parses *IDN? into vendor, model, serial, firmware', async () => {
    const f = await fakeInstrument({ '*IDN?': 'RIGOL TECHNOLOGIES,DP832, DP8A0001 ,00.01.16\r' });
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    expect(await s.identify()).toEqual({ vendor: 'RIGOL TECHNOLOGIES', model: 'DP832', serial: 'DP8A0001', firmware: '00.01.16' });
    await s.close();
  });

  it('rejects a malformed *IDN? reply as SCPI_BAD_REPLY', async () => {
    const f = await fakeInstrument({ '*IDN?': 'just a string' });
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    await expect(s.identify()).rejects.toSatisfy((e: unknown) => isEveError(e, 'SCPI_BAD_REPLY'));
    await s.close();
  });

  it('keeps one command in flight: concurrent queries are sent one after another and answered in order', async () => {
    const f = await fakeInstrument({ 'A?': '1', 'B?': '2', 'C?': '3' });
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    const results = await Promise.all([s.query('A?'), s.query('B?'), s.query('C?')]);
    expect(results).toEqual(['1', '2', '3']);
    expect(f.received).toEqual(['A?', 'B?', 'C?']);
    await s.close();
  });

  it('checkErrors drains the queue and names the command that failed', async () => {
    const f = await fakeInstrument({ 'SYST:ERR?': ['-222,"Data out of range"', '-113,"Undefined header"', '0,"No error"'] });
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    const err = await s.writeChecked(':SOUR1:VOLT 40.000').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ScpiInstrumentError);
    expect(err).toMatchObject({ code: 'SCPI_INSTRUMENT_ERROR', command: ':SOUR1:VOLT 40.000', errors: [{ code: -222, message: 'Data out of range' }, { code: -113, message: 'Undefined header' }] });
    expect((err as Error).message).toContain(':SOUR1:VOLT 40.000');
    expect(f.received).toEqual([':SOUR1:VOLT 40.000', 'SYST:ERR?', 'SYST:ERR?', 'SYST:ERR?']);
    await s.close();
  });

  it('checkErrors passes on 0,"No error" (with or without a sign)', async () => {
    const f = await fakeInstrument({ 'SYST:ERR?': ['+0,"No error"', '0,"No error"'] });
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    await s.checkErrors();
    await s.writeChecked('*CLS');
    await s.close();
  });

  it('times out a query as retriable SCPI_TIMEOUT, then refuses further use (SCPI_DESYNC)', async () => {
    const f = await fakeInstrument({});
    const t = manualClock();
    const s = new ScpiSession(f.host, { timeoutMs: 500, clock: t.clock });
    const q = s.query('MEAS:VOLT?');
    await new Promise((r) => setImmediate(r));
    expect(t.pending()).toBe(1);
    t.fireAll();
    await expect(q).rejects.toMatchObject({ code: 'SCPI_TIMEOUT', retriable: true });
    await expect(s.query('*IDN?')).rejects.toMatchObject({ code: 'SCPI_DESYNC' });
    await s.close();
  });

  it('fails the waiting query when the instrument hangs up', async () => {
    const f = await fakeInstrument({});
    const s = new ScpiSession(f.host, { timeoutMs: 10_000 });
    const q = s.query('*IDN?');
    await new Promise((r) => setImmediate(r));
    await f.instrument.close();
    await expect(q).rejects.toMatchObject({ code: 'SCPI_CONNECTION_CLOSED', retriable: true });
  });

  it('refuses commands carrying a line break before sending anything', async () => {
    const f = await fakeInstrument({});
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    await expect(s.write(':OUTP CH1,OFF\n:OUTP CH1,ON')).rejects.toMatchObject({ code: 'SCPI_BAD_ARGUMENT' });
    await expect(s.query('*IDN?\r')).rejects.toMatchObject({ code: 'SCPI_BAD_ARGUMENT' });
    await s.write('*CLS');
    expect(f.received).toEqual(['*CLS']);
    await s.close();
  });

  it('refuses a smuggled argument before a byte is sent', async () => {
    const f = await fakeInstrument({});
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    const evil = '3.3;:OUTP CH1,ON' as unknown as number;
    await expect(async () => s.write(`:SOUR1:VOLT ${scpiNumber(evil, { min: 0, max: 5, decimals: 3 })}`)).rejects.toMatchObject({ code: 'SCPI_BAD_ARGUMENT' });
    await s.write('*CLS');
    expect(f.received).toEqual(['*CLS']);
    await s.close();
  });

  it('honours an abort while queued', async () => {
    const f = await fakeInstrument({ 'A?': '1' });
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    const ac = new AbortController();
    ac.abort(new Error('user'));
    await expect(s.query('A?', ac.signal)).rejects.toMatchObject({ code: 'SCPI_ABORTED' });
    expect(await s.query('A?')).toBe('1');
    expect(f.received).toEqual(['A?']);
    await s.close();
  });

  it('counts reply lines nobody asked for', async () => {
    const f: { host: ByteTransport; instrument: ByteTransport } = await fakeInstrument({ 'A?': '1' });
    const s = new ScpiSession(f.host, { timeoutMs: 1000 });
    await f.instrument.write(new TextEncoder().encode('surprise\n'));
    await new Promise((r) => setImmediate(r));
    expect(s.strayReplies).toBe(1);
    expect(await s.query('A?')).toBe('1');
    await s.close();
  });
});
