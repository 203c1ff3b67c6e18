import { afterEach, describe, expect, it } from 'vitest';
import {
  BoardAgent, PowerNode, SimClock, VirtualBoard, getProfile, randomSpec, writePackage, type SupplyTerminal,
} from '@eve-bench/device-agent';
import { serveBoard, type BoardServer } from '../lab/board-server.js';
import { TcpTransport } from '../transport/tcp-transport.js';
import { EveBoardClient } from './eve-board-client.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

function benchSupply(): SupplyTerminal {
  const sp = { voltageV: 3.3, currentLimitA: 0.05, outputOn: true };
  return { setpoint: () => sp, delivered: () => undefined };
}

async function virtualBoardOnTcp(): Promise<{ server: BoardServer; board: VirtualBoard; agent: () => BoardAgent }> {
  const board = new VirtualBoard({ boardId: 'vb-t', profile: getProfile('stm32l476-m4f'), clock: new SimClock(), power: new PowerNode({ capacitanceF: 470e-6, turnOnV: 2.8, brownOutV: 1.8 }, benchSupply()) });
  let agent: BoardAgent | undefined;
  const server = await serveBoard((send) => (agent = new BoardAgent(board, send)), { host: '127.0.0.1', port: 0 });
  closers.push(() => server.close());
  return { server, board, agent: () => agent! };
}

async function connect(port: number): Promise<EveBoardClient> {
  const t = new TcpTransport('127.0.0.1', port, { connectTimeoutMs: 2000 });
  await t.open();
  const c = new EveBoardClient(t, { timeoutMs: 2000 });
  closers.push(() => c.close());
  return c;
}

describe('EVE board client over TCP against a virtual board', () => {
  const pkg = writePackage(randomSpec(11, [300, 40, 10]));

  it('identifies, deploys, selects modes and infers with device timestamps', async () => {
    const { server } = await virtualBoardOnTcp();
    const c = await connect(server.port);
    expect((await c.identify()).deviceProfile).toBe('stm32l476-m4f');
    const rep = await c.deploy(pkg);
    expect(rep.resumedFrom).toBe(0);
    expect(rep.bytes / rep.wireBytes).toBeGreaterThan(0.9); // protocol efficiency
    const input = new Uint8Array(300).fill(7);
    const lat: number[] = [];
    for (let m = 0; m < 3; m++) {
      await c.selectMode(m);
      const r = await c.infer(input);
      expect(r.mode).toBe(m);
      lat.push(r.endUs - r.startUs);
    }
    expect(lat[2]).toBeLessThan(lat[0]!);
  });

  it('resumes a deploy after the link drops mid-transfer', async () => {
    const { server } = await virtualBoardOnTcp();
    const first = await connect(server.port);
    await first.identify();
    const ac = new AbortController();
    await expect(first.deploy(pkg, { chunkBytes: 512, onProgress: (sent) => { if (sent >= 2048) ac.abort(); }, signal: ac.signal })).rejects.toThrow();
    await first.close();
    const second = await connect(server.port);
    await second.identify();
    const rep = await second.deploy(pkg, { chunkBytes: 512 });
    expect(rep.resumedFrom).toBeGreaterThanOrEqual(2048);
    expect((await second.counters()).inferences).toBe(0);
  });

  it('a NAK becomes a typed error and the link keeps working', async () => {
    const { server } = await virtualBoardOnTcp();
    const c = await connect(server.port);
    await expect(c.selectMode(0)).rejects.toMatchObject({ code: 'BOARD_NAK', nak: 2 });
    await expect(c.infer(new Uint8Array(3))).rejects.toMatchObject({ code: 'BOARD_NAK' });
    expect((await c.identify()).boardId).toBe('vb-t');
  });

  it('garbage on the line is counted by the board and does not stop it', async () => {
    const { server, agent } = await virtualBoardOnTcp();
    const t = new TcpTransport('127.0.0.1', server.port, { connectTimeoutMs: 2000 });
    await t.open();
    await t.write(Uint8Array.from([5, 1, 2, 3, 4, 0, 0xff, 0xfe, 0]));
    const c = new EveBoardClient(t, { timeoutMs: 2000 });
    closers.push(() => c.close());
    expect((await c.identify()).boardId).toBe('vb-t');
    expect(agent().stats.framesBad).toBeGreaterThan(0);
  });
});
