import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SerialPortMock } from 'serialport';
import { SerialTransport } from './serial-transport.js';
import { requireSystemTool } from '../../../test/src/system-tools.js';

describe('SerialTransport with serialport\'s mock binding', () => {
  // the binding instance SerialPortMock itself uses (the package ships both ESM and CJS copies)
  const MockBinding = SerialPortMock.binding;
  afterEach(() => MockBinding.reset());

  it('opens, writes, reads what the port receives, and closes', async () => {
    MockBinding.createPort('/dev/ttyMOCK0', { echo: true, record: true });
    const t = new SerialTransport('/dev/ttyMOCK0', { baudRate: 115200, portFactory: (o) => new SerialPortMock(o) });
    await t.open();
    expect(t.isOpen).toBe(true);
    const reader = t.read()[Symbol.asyncIterator]();
    await t.write(Uint8Array.from([1, 2, 3]));
    const got = await reader.next();
    expect(Array.from(got.value as Uint8Array)).toEqual([1, 2, 3]); // the mock port echoes
    await t.close();
    expect(t.isOpen).toBe(false);
  });

  it('a port that does not exist is a retriable typed error', async () => {
    const t = new SerialTransport('/dev/ttyNOPE', { baudRate: 9600, portFactory: (o) => new SerialPortMock(o) });
    await expect(t.open()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED', retriable: true });
  });
});

describe('SerialTransport over a real pseudo-terminal pair (socat)', () => {
  let socat: ChildProcess | undefined;
  let a: string;
  let b: string;

  beforeAll(async () => {
    const bin = requireSystemTool('socat', 'socat');
    const dir = mkdtempSync(join(tmpdir(), 'eve-pty-'));
    a = join(dir, 'a');
    b = join(dir, 'b');
    socat = spawn(bin, [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(a) || !existsSync(b)) throw new Error('socat did not create the PTY pair within 5 s');
  }, 300_000);

  afterAll(() => {
    socat?.kill();
  });

  it('carries bytes both ways through the native binding, opened by a symlinked stable name', async () => {
    const left = new SerialTransport(a, { baudRate: 115200 });
    const right = new SerialTransport(b, { baudRate: 115200 });
    await left.open();
    await right.open();
    expect(left.address).toMatch(/\/dev\/pts\/\d+/); // the link was resolved to the device it names
    const rr = right.read()[Symbol.asyncIterator]();
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    await left.write(payload);
    const seen: number[] = [];
    while (seen.length < payload.length) seen.push(...((await rr.next()).value as Uint8Array));
    expect(seen).toEqual(Array.from(payload));
    const lr = left.read()[Symbol.asyncIterator]();
    await right.write(Uint8Array.from([0, 255, 7]));
    expect(Array.from((await lr.next()).value as Uint8Array)).toEqual([0, 255, 7]);
    await left.close();
    await right.close();
  });
});
