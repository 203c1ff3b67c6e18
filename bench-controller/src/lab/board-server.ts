/**
 * Serves a board's byte stream on a TCP port, as ser2net serves a serial port in raw mode. One
 * client at a time: a new client takes over from the old one (ser2net's `kickolduser`), so a
 * bench host that crashed and reconnects is never locked out by its own half-open socket. The
 * board's agent keeps its state across reconnects, like a real board would.
 */
import { createServer, type Socket } from 'node:net';
import { listenTcp } from '../transport/tcp-listen.js';

export interface ByteAgent {
  receive(bytes: Uint8Array): void;
  rebind?(send: (bytes: Uint8Array) => void): void;
}

export interface BoardServer {
  port: number;
  close(): Promise<void>;
}

export async function serveBoard(
  makeAgent: (send: (bytes: Uint8Array) => void) => ByteAgent,
  o: { host: string; port: number; log?: (line: string) => void },
): Promise<BoardServer> {
  let active: Socket | undefined;
  let agent: ByteAgent | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (active) {
      o.log?.(`board server: new client ${socket.remoteAddress} takes over the board`);
      active.destroy();
    }
    active = socket;
    socket.setNoDelay(true);
    const send = (bytes: Uint8Array) => { if (!socket.destroyed) socket.write(bytes); };
    if (!agent) agent = makeAgent(send);
    else agent.rebind?.(send);
    const current = agent;
    socket.on('data', (chunk: Buffer) => {
      try {
        current.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (e) {
        o.log?.(`board server: agent failed: ${(e as Error).message}`);
        socket.destroy();
      }
    });
    socket.on('close', () => { if (active === socket) active = undefined; });
  });
  const port = await listenTcp(server, o.host, o.port, 'board server');
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
