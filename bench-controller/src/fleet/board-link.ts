/**
 * What a health check needs from a board: a fresh link and a ping (the protocol's hello: EVE
 * `hello` -> identity, EnergyRunner `name%` -> m-name). A fresh link per check copes with a port
 * that re-enumerated after a power-cycle.
 */
import { EnergyRunnerClient } from '../boards/energyrunner-client.js';
import { EveBoardClient } from '../boards/eve-board-client.js';
import type { Timers } from '../boards/waitress.js';
import type { ByteTransport } from '../transport/byte-transport.js';
import { createTransport } from '../transport/transport-url.js';

export interface BoardLink {
  /** Resolves with what the board calls itself; rejects on timeout or a bad answer. */
  ping(): Promise<string>;
  close(): Promise<void>;
}

export type Protocol = 'eve' | 'energyrunner';

/** Speaks the board's protocol over an already-open transport. */
export function linkOver(transport: ByteTransport, protocol: Protocol, timeoutMs: number, timers?: Timers): BoardLink {
  if (protocol === 'energyrunner') {
    const c = new EnergyRunnerClient(transport, { timeoutMs });
    return { ping: () => c.name(), close: () => transport.close() };
  }
  // One attempt: a health check must see a silent board, not paper over it with retries.
  const c = new EveBoardClient(transport, { timeoutMs, attempts: 1, ...(timers ? { timers } : {}) });
  return { ping: async () => (await c.identify()).boardId, close: () => c.close() };
}

/** Opens `url` and speaks `protocol` on it. */
export async function openBoardLink(url: string, protocol: Protocol, timeoutMs: number): Promise<BoardLink> {
  const transport = createTransport(url, { connectTimeoutMs: timeoutMs });
  await transport.open();
  return linkOver(transport, protocol, timeoutMs);
}
