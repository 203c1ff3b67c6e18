import { afterEach, describe, expect, it } from 'vitest';
import { randomSpec, writePackage, type FaultPlan } from '@eve-bench/device-agent';
import { EveBoardClient } from '../boards/eve-board-client.js';
import { openPowerSupply } from '../instruments/psu/open-power-supply.js';
import type { PowerSupply } from '../instruments/psu/power-supply.js';
import { ScpiSession } from '../scpi/scpi-session.js';
import { TcpTransport } from '../transport/tcp-transport.js';
import { startVirtualLab, type VirtualLab } from './virtual-lab.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

async function tcp(url: string): Promise<TcpTransport> {
  const u = new URL(url.replace('tcp:', 'http:'));
  const t = new TcpTransport(u.hostname, Number(u.port), { connectTimeoutMs: 2000 });
  await t.open();
  return t;
}

/** One virtual board on CH1 of the simulated DP832, powered at 3.3 V, reached over TCP as the bench does. */
async function rig(faults: FaultPlan, timeoutMs = 150): Promise<{ lab: VirtualLab; psu: PowerSupply; client: EveBoardClient }> {
  const lab = await startVirtualLab({ host: '127.0.0.1', boards: [{ id: 'vb', channel: 1, profile: 'stm32l476-m4f', capacitanceF: 470e-6, turnOnV: 2.8, brownOutV: 1.8, faults }] });
  closers.push(() => lab.close());
  const psu = await openPowerSupply(new ScpiSession(await tcp(lab.psuUrl), { timeoutMs: 2000 }));
  closers.push(() => psu.close());
  await psu.setVoltage(1, 3.3);
  await psu.setCurrentLimit(1, 0.05);
  await psu.setOutput(1, true);
  const client = new EveBoardClient(await tcp(lab.boards[0]!.url), { timeoutMs, attempts: 2 });
  closers.push(() => client.close());
  return { lab, psu, client };
}

async function powerCycle(psu: PowerSupply): Promise<void> {
  await psu.setOutput(1, false);
  await psu.setOutput(1, true);
}

const pkg = writePackage(randomSpec(5, [300, 60, 10]));

describe('fault injection in the virtual lab', () => {
  it('deploy resumes after a brown-out mid-transfer; the board verifies the whole package CRC', async () => {
    const half = Math.floor(pkg.length / 2);
    // the board browns out writing the middle byte and then boots for longer than the host's retries last
    const { lab, client } = await rig({ brownOutAtDeployByte: half, bootMs: 600 });
    await client.identify();
    const before = await client.counters();
    await expect(client.deploy(pkg)).rejects.toMatchObject({ code: 'BOARD_TIMEOUT' });
    await new Promise((r) => setTimeout(r, 650));
    const rep = await client.deploy(pkg);
    expect(rep.resumedFrom).toBeGreaterThan(0);
    expect(rep.resumedFrom).toBeLessThanOrEqual(half);
    expect(rep.resumedFrom + rep.bytesSent).toBe(pkg.length);
    const c = await client.counters();
    expect(c.brownOuts - before.brownOuts).toBe(1);
    expect(c.resets - before.resets).toBe(1);
    // committed means the board's CRC over all bytes (before and after the brown-out) matched
    const r = await client.infer(new Uint8Array(300).fill(9));
    expect(r.output.length).toBe(10);
    expect(lab.boards[0]!.board.groundTruth().at(-1)).toMatchObject({ completed: true });
  });

  it('deploys at >= 90 % protocol efficiency (payload / wire bytes both ways)', async () => {
    const { client } = await rig({});
    await client.identify();
    const rep = await client.deploy(pkg);
    const efficiency = rep.bytes / (rep.wireBytes + rep.wireBytesIn);
    expect(efficiency).toBeGreaterThanOrEqual(0.9);
  });

  it('a hung board answers nothing until its supply is power-cycled, then comes back reset', async () => {
    const { lab, psu, client } = await rig({ hangAfterRequests: 2 });
    await client.identify();
    const before = await client.counters();
    await expect(client.counters()).rejects.toMatchObject({ code: 'BOARD_TIMEOUT' });
    await expect(client.identify()).rejects.toMatchObject({ code: 'BOARD_TIMEOUT' });
    expect(lab.boards[0]!.board.isHung).toBe(true);
    await powerCycle(psu);
    expect((await client.identify()).boardId).toBe('vb');
    expect((await client.counters()).resets).toBe(before.resets + 1);
  });

  it('a slow boot keeps the board silent for its boot time after a power cycle', async () => {
    const { lab, psu, client } = await rig({});
    await client.identify();
    lab.boards[0]!.board.injectFaults({ bootMs: 500 });
    await powerCycle(psu);
    const t0 = performance.now();
    await expect(client.identify()).rejects.toMatchObject({ code: 'BOARD_TIMEOUT' });
    await new Promise((r) => setTimeout(r, Math.max(0, 520 - (performance.now() - t0))));
    expect((await client.identify()).boardId).toBe('vb');
  });
});
