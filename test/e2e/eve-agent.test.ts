import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomSpec, writePackage } from '@eve-bench/device-agent';
import { EveBoardClient, createTransport } from '@eve-bench/bench-controller';
import { eveBin } from '../src/run-cli.js';
import { requireSystemTool } from '../src/system-tools.js';

/**
 * `eve agent` makes this machine a board: the bench deploys to it and measures latency with the
 * agent's monotonic clock, over TCP and over a serial line (two PTYs joined by socat, as a
 * Raspberry Pi's UART would be wired to the bench host's USB-serial adapter).
 */
const children: ChildProcess[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  for (const c of children.splice(0)) c.kill('SIGTERM');
});

function startAgent(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [eveBin, 'agent', '--board-id', 'pi-test', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`eve agent did not start: ${out} ${err}`)), 10_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving pi-test on (\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`eve agent exited ${code}: ${err}`)); });
  });
}

async function deployAndTime(url: string): Promise<void> {
  const t = createTransport(url, { connectTimeoutMs: 5000 });
  await t.open();
  const client = new EveBoardClient(t, { timeoutMs: 5000 });
  closers.push(() => client.close());
  expect(await client.identify()).toMatchObject({ boardId: 'pi-test', deviceProfile: 'linux-node' });
  const pkg = writePackage(randomSpec(3, [400, 120, 10]));
  const rep = await client.deploy(pkg);
  expect(rep.bytes).toBe(pkg.length);
  const input = Uint8Array.from({ length: 400 }, (_, i) => i & 0xff);
  let last = -1;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await client.infer(input);
    const wallUs = (performance.now() - t0) * 1000;
    const latencyUs = r.endUs - r.startUs;
    // the agent's own clock: monotonic, and an inference takes time but less than the round trip
    expect(r.startUs).toBeGreaterThan(last);
    expect(latencyUs).toBeGreaterThan(0);
    expect(latencyUs).toBeLessThan(wallUs);
    last = r.endUs;
  }
  const before = (await client.counters()).nowUs;
  const after = (await client.idle(20_000)).nowUs;
  expect(after - before).toBeGreaterThanOrEqual(20_000);
}

describe('eve agent (a Linux-class board)', () => {
  it('serves deploy and timed inference over TCP', async () => {
    await deployAndTime(await startAgent(['--listen', 'tcp:0']));
  });

  it('serves deploy and timed inference over a serial line (socat PTY pair)', async () => {
    const bin = requireSystemTool('socat', 'socat');
    const dir = mkdtempSync(join(tmpdir(), 'eve-agent-'));
    const boardSide = join(dir, 'ttyPI');
    const benchSide = join(dir, 'ttyBENCH');
    const socat = spawn(bin, [`pty,raw,echo=0,link=${boardSide}`, `pty,raw,echo=0,link=${benchSide}`], { stdio: 'ignore' });
    children.push(socat);
    for (let i = 0; i < 100 && !(existsSync(boardSide) && existsSync(benchSide)); i++) await new Promise((r) => setTimeout(r, 50));
    await startAgent(['--serial', boardSide]);
    await deployAndTime(`serial://${benchSide}?baud=115200`);
  });

  it('refuses to start without exactly one link', async () => {
    await expect(startAgent([])).rejects.toThrow(/exactly one of --serial PATH or --listen/);
  });
});
