/**
 * Connects to a bench — the virtual lab's sockets or real instruments from a config file —
 * through the production code path: TCP transport, SCPI session, supply driver behind safety
 * limits, EVE board client. Closing the session switches every supply output off.
 */
import { EveError, type HarvestTrace } from '@eve-bench/device-agent';
import { createTransport } from '../transport/transport-url.js';
import { ScpiSession } from '../scpi/scpi-session.js';
import { openPowerSupply } from '../instruments/psu/open-power-supply.js';
import { SafePowerSupply } from '../instruments/psu/safe-power-supply.js';
import { EveBoardClient } from '../boards/eve-board-client.js';
import { HarvestReplayer } from '../harvest/replayer.js';
import type { Precision } from '../measure/energy-window.js';
import { readbacksFor } from '../measure/readback-stream.js';
import type { BenchBoard } from '../measure/measure-package.js';
import { BoardLifecycle } from '../fleet/board-lifecycle.js';

export interface SupplyEndpoint {
  id: string;
  url: string;
  limits: Record<string, { maxVoltageV: number; maxCurrentA: number }>;
}

export interface BoardEndpoint {
  id: string;
  url: string;
  supplyId: string;
  channel: number;
}

export interface BenchSession {
  boards: BenchBoard[];
  close(): Promise<void>;
}

export interface ConnectOptions {
  supplies: SupplyEndpoint[];
  boards: BoardEndpoint[];
  trace: HarvestTrace;
  railVoltageV: number;
  precision: Precision;
  log(line: string): void;
  /** How long the host waits for a board's reply (default 5000 ms). */
  boardTimeoutMs?: number;
}

export async function connectBench(o: ConnectOptions): Promise<BenchSession> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((e) => o.log(`warning: while closing: ${(e as Error).message}`));
    closers.length = 0;
  };
  try {
    const supplies = new Map<string, SafePowerSupply>();
    for (const s of o.supplies) {
      const transport = createTransport(s.url, { connectTimeoutMs: 5000 });
      await transport.open();
      closers.push(() => transport.close());
      const session = new ScpiSession(transport, { timeoutMs: 2000 });
      const limits = Object.fromEntries(Object.entries(s.limits).map(([ch, l]) => [Number(ch), l]));
      const psu = new SafePowerSupply(await openPowerSupply(session), limits);
      closers.push(() => psu.shutdown());
      supplies.set(s.id, psu);
      o.log(`supply ${s.id}: ${psu.identity.vendor} ${psu.identity.model} at ${s.url}`);
    }
    const boards: BenchBoard[] = [];
    for (const b of o.boards) {
      const psu = supplies.get(b.supplyId);
      if (!psu) throw new EveError('CONFIG_INVALID', `board ${b.id}: no supply '${b.supplyId}'`);
      // Power first: a board on a harvest-limited rail boots when its capacitor reaches turn-on.
      const replayer = new HarvestReplayer(psu, b.channel, o.trace, {
        voltageV: o.railVoltageV, minCurrentA: 0.001, loop: true,
        // Point by point: the virtual lab's boards run on simulated time while an instrument's
        // list function would step on wall-clock time; with 1 s trace steps it saves nothing.
        listMode: false,
      });
      const lifecycle = new BoardLifecycle(b.id, 'off', (t) => o.log(`board ${t.board}: ${t.from} -> ${t.to} (${t.reason})`));
      await replayer.start(0);
      lifecycle.move('powered', `supply ${b.supplyId} channel ${b.channel} replaying the harvest trace`);
      const transport = createTransport(b.url, { connectTimeoutMs: 5000 });
      await transport.open();
      closers.push(() => transport.close());
      const client = new EveBoardClient(transport, { timeoutMs: o.boardTimeoutMs ?? 5000 });
      closers.push(() => client.close());
      const id = await client.identify();
      lifecycle.move('ready', `answered hello as ${id.boardId}`);
      await replayer.start((await client.counters()).nowUs);
      const board: BenchBoard = {
        id: b.id, client, psu, channel: b.channel, readbacks: readbacksFor(psu, b.channel), replayer, precision: o.precision, lifecycle,
      };
      o.log(`board ${b.id}: ${id.boardId} (${id.deviceProfile}, ${id.firmware}) at ${b.url}`);
      boards.push(board);
    }
    return { boards, close };
  } catch (e) {
    await close();
    throw e;
  }
}
