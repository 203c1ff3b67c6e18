import { afterEach, describe, expect, it } from 'vitest';
import { deployChecksum, randomSpec, writePackage } from '@eve-bench/device-agent';
import { startVirtualLab, defaultVirtualBoards, type VirtualLab } from '../lab/virtual-lab.js';
import { TcpTransport } from '../transport/tcp-transport.js';
import { EnergyRunnerClient } from './energyrunner-client.js';

let lab: VirtualLab | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await lab?.close();
});

async function energyRunnerBoard() {
  lab = await startVirtualLab({ host: '127.0.0.1', boards: [{ ...defaultVirtualBoards()[0]!, id: 'er-dut', protocol: 'energyrunner' }] });
  // power the board's supply channel as the front panel would
  const ch = lab.psu.channel(1);
  ch.setVoltage(3.3);
  ch.setCurrentLimit(0.05);
  ch.setOutput(true);
  const t = new TcpTransport('127.0.0.1', Number(lab.boards[0]!.url.split(':').pop()), { connectTimeoutMs: 2000 });
  await t.open();
  const client = new EnergyRunnerClient(t, { timeoutMs: 5000 });
  closers.push(() => client.close());
  return { client, board: lab.boards[0]!.board };
}

describe('EnergyRunner protocol against a virtual board in EnergyRunner mode', () => {
  it('runs a full name / profile / db load / infer / results exchange', async () => {
    const { client, board } = await energyRunnerBoard();
    const pkg = writePackage(randomSpec(4, [96, 32, 10]));
    board.flash(pkg); // EnergyRunner firmware carries its model: flashed, not deployed over the link
    expect(await client.name()).toBe('er-dut');
    expect((await client.profile()).profile).toBe('ulp-mlperf');
    const t0 = await client.timestampUs();
    const input = Uint8Array.from({ length: 96 }, (_, i) => (i * 13) & 0xff);
    await client.load(input); // 96 bytes = 4 lines of up to 31
    const r = await client.infer(10, 2);
    expect(r.results).toHaveLength(10);
    expect(r.results.reduce((a, b) => a + b, 0)).not.toBe(0);
    const truth = board.groundTruth().filter((x) => x.packageCrc === deployChecksum(pkg));
    expect(truth).toHaveLength(12); // 2 warm-up + 10 timed
    const mean = truth.slice(2).reduce((s, x) => s + x.latencyUs, 0) / 10;
    expect(Math.abs(r.latencyUs - mean)).toBeLessThan(1); // laps are whole microseconds
    expect(await client.timestampUs()).toBeGreaterThan(t0);
  });

  it('board errors become typed errors and the link keeps working', async () => {
    const { client } = await energyRunnerBoard();
    await expect(client.infer(1, 0)).rejects.toMatchObject({ code: 'ER_DUT_ERROR' });
    await expect(client.command('frobnicate')).rejects.toThrow(/Unknown command/);
    await expect(client.command('x%y')).rejects.toMatchObject({ code: 'ER_BAD_COMMAND' });
    expect(await client.name()).toBe('er-dut');
  });
});
