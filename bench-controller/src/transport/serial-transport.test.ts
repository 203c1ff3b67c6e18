import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import { SerialTransport, type SerialBinding } from './serial-transport.js';
import { requireSystemTool } from '../../../test/src/system-tools.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** MockBinding, keeping the port objects it opens so a test can play the device's side. */
function recordingMock(): { binding: SerialBinding; opened: MockPortBinding[] } {
  const opened: MockPortBinding[] = [];
  const binding = {
    ...MockBinding,
    open: async (o: Parameters<typeof MockBinding.open>[0]) => {
      const p = await MockBinding.open(o);
      opened.push(p);
      return p;
    },
  };
  return { binding, opened };
}

describe('SerialTransport with MockBinding', () => {
  afterEach(() => MockBinding.reset());

  it('opens, writes bytes the port receives, reads bytes the port emits, and closes', async () => {
    MockBinding.createPort('/dev/ttyMOCK0', { record: true });
    const { binding, opened } = recordingMock();
    const t = new SerialTransport('/dev/ttyMOCK0', { baudRate: 115200, binding });
    expect(t.isOpen).toBe(false);
    await t.open();
    expect(t.isOpen).toBe(true);
    expect(t.address).toBe('serial:///dev/ttyMOCK0?baud=115200');
    const port = opened[0]!;
    expect(port.openOptions.baudRate).toBe(115200);
    const buf = Uint8Array.from([0x00, 0x7e, 0xff]);
    await t.write(buf);
    buf.fill(1); // the transport copied it
    await t.write(bytes('hi'));
    expect(Array.from(port.recording)).toEqual([0x00, 0x7e, 0xff, ...bytes('hi')]);
    const reader = t.read()[Symbol.asyncIterator]();
    port.emitData(Buffer.from('from device'));
    expect(text((await reader.next()).value as Uint8Array)).toBe('from device');
    await t.close();
    expect(t.isOpen).toBe(false);
    expect(port.isOpen).toBe(false);
    expect(await reader.next()).toEqual({ value: undefined, done: true });
    await expect(t.write(bytes('x'))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED', retriable: true });
  });

  it('a port that does not exist, or is locked, is a retriable TRANSPORT_CONNECT_FAILED', async () => {
    const { binding } = recordingMock();
    const missing = new SerialTransport('/dev/ttyNOPE', { baudRate: 9600, binding });
    await expect(missing.open()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED', retriable: true });
    MockBinding.createPort('/dev/ttyMOCK1');
    const first = new SerialTransport('/dev/ttyMOCK1', { baudRate: 9600, binding });
    await first.open();
    const second = new SerialTransport('/dev/ttyMOCK1', { baudRate: 9600, binding });
    await expect(second.open()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED', message: expect.stringContaining('locked') });
    await first.close();
  });

  it('an open that hangs times out, and an abort stops it, both typed', async () => {
    const hanging = { ...MockBinding, open: () => new Promise<never>(() => undefined) };
    const t = new SerialTransport('/dev/ttyHANG', { baudRate: 9600, binding: hanging, openTimeoutMs: 1 });
    await expect(t.open()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_TIMEOUT', retriable: true });
    const ac = new AbortController();
    const opening = new SerialTransport('/dev/ttyHANG', { baudRate: 9600, binding: hanging }).open(ac.signal);
    ac.abort();
    await expect(opening).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED', retriable: false });
  });

  it('validates its options and resolves a symlinked stable name to the device it names', async () => {
    expect(() => new SerialTransport('/dev/x', { baudRate: 0 })).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_OPTION' }));
    expect(() => new SerialTransport('/dev/x', { baudRate: 9600, openTimeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_OPTION' }));
    // The mock's ports are not files, so name a real file as the "device" and create that mock port.
    const dir = await mkdtemp(join(tmpdir(), 'eve-byid-'));
    try {
      const device = join(dir, 'ttyACM3');
      await symlink('/dev/null', device); // any existing target; realpath follows the chain
      const byId = join(dir, 'usb-EVE_board_0001-if00');
      await symlink(device, byId);
      MockBinding.createPort('/dev/null');
      const t = new SerialTransport(byId, { baudRate: 115200, binding: recordingMock().binding });
      await t.open();
      expect(t.address).toBe(`serial://${byId}?baud=115200 (/dev/null)`);
      await t.close();
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

/** socat joining two pseudo-terminals, reachable at the stable links `a` and `b`. */
async function startPtyPair(bin: string, a: string, b: string): Promise<ChildProcess> {
  const proc = spawn(bin, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(a) || !existsSync(b)) {
    proc.kill();
    throw new Error(`socat did not create ${a} and ${b} within 5 s`);
  }
  return proc;
}

async function stop(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill();
  });
}

/** Reads at least n bytes; `first` is a next() already under way. */
async function readUntil(it: AsyncIterator<Uint8Array>, n: number, first?: Promise<IteratorResult<Uint8Array>>): Promise<number[]> {
  const seen: number[] = [];
  while (seen.length < n) {
    const r = await (first ?? it.next());
    first = undefined;
    if (r.done) break;
    seen.push(...r.value);
  }
  return seen;
}

describe('SerialTransport over a real pseudo-terminal pair (socat)', () => {
  const procs: ChildProcess[] = [];
  let socat = '';
  let dir = '';

  beforeAll(async () => {
    socat = requireSystemTool('socat', 'socat');
    dir = await mkdtemp(join(tmpdir(), 'eve-pty-'));
  }, 300_000);

  afterAll(async () => {
    for (const p of procs) await stop(p);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('carries bytes both ways through the native binding, opened by a symlinked stable name', async () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    procs.push(await startPtyPair(socat, a, b));
    const left = new SerialTransport(a, { baudRate: 115200 });
    const right = new SerialTransport(b, { baudRate: 115200 });
    await left.open();
    await right.open();
    expect(left.address).toMatch(new RegExp(`^serial://${a}\\?baud=115200 \\(/dev/pts/\\d+\\)$`));
    const rr = right.read()[Symbol.asyncIterator]();
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    await left.write(payload);
    expect(await readUntil(rr, payload.length)).toEqual(Array.from(payload));
    const lr = left.read()[Symbol.asyncIterator]();
    await right.write(Uint8Array.from([0, 255, 7]));
    expect(await readUntil(lr, 3)).toEqual([0, 255, 7]);
    await left.close();
    await right.close();
  });

  it('reports the PTY peer vanishing as a retriable disconnect instead of spinning (hangup-safe binding)', async () => {
    const [a, b] = [join(dir, 'c'), join(dir, 'd')];
    const proc = await startPtyPair(socat, a, b);
    procs.push(proc);
    const t = new SerialTransport(a, { baudRate: 115200 });
    await t.open();
    const reading = (async () => { for await (const _ of t.read()) void _; })();
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    // Attach the expectation before the hang-up, so the rejection is never momentarily unhandled.
    const outcome = expect(reading).rejects.toMatchObject({ code: 'TRANSPORT_DISCONNECTED', retriable: true });
    await stop(proc);
    await outcome;
    const cpu = process.cpuUsage(cpuBefore);
    // Reported promptly, and without burning a core meanwhile.
    expect(Date.now() - started).toBeLessThan(3000);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(1500);
    await t.close();
  });
});
