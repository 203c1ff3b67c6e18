/**
 * Serves a board's byte stream on a TCP port, as ser2net serves a serial port in raw mode: bytes
 * in go to the board's agent, bytes the agent sends go out. One client at a time, like a serial
 * port. By default a second client is refused (ser2net's default); `whenBusy: 'replace'` lets it
 * take over instead (ser2net's `kickolduser`), for hosts that may leave half-open sockets behind.
 * By default one agent lives for the server's lifetime, because a real board keeps its state
 * (a half-finished deploy, its mode, its clock) when the host reconnects.
 */
import { createServer, type Socket } from 'node:net';
import { listenTcp } from '../transport/tcp-listen.js';

export interface ByteAgent {
  receive(bytes: Uint8Array): void;
  /** Called when a kept agent gets a new client: lets it drop a frame the old client left half-sent. */
  rebind?(send: (bytes: Uint8Array) => void): void;
}

export interface BoardServerOptions {
  host: string;
  port: number;
  /** A fresh agent per connection instead of one kept across connections (default false). */
  agentPerConnection?: boolean;
  /** What a client connecting while another is served gets (default 'refuse'). */
  whenBusy?: 'refuse' | 'replace';
  log?: (line: string) => void;
}

export interface BoardServer {
  port: number;
  close(): Promise<void>;
}

export async function serveBoard(makeAgent: (send: (bytes: Uint8Array) => void) => ByteAgent, o: BoardServerOptions): Promise<BoardServer> {
  const log = o.log ?? (() => undefined);
  let active: Socket | undefined;
  let kept: ByteAgent | undefined;
  const sockets = new Set<Socket>();
  // a kept agent writes through this, so its responses always reach whoever is connected now
  const sendToActive = (bytes: Uint8Array) => { if (active && !active.destroyed) active.write(bytes); };
  const isLive = (s: Socket | undefined): s is Socket => !!s && !s.destroyed && !s.readableEnded;

  const serve = (socket: Socket) => {
    if (isLive(active)) {
      const who = `${socket.remoteAddress}:${socket.remotePort}`;
      if ((o.whenBusy ?? 'refuse') === 'refuse') {
        log(`board server: refused ${who}: the board is in use by ${active.remoteAddress}:${active.remotePort}`);
        socket.destroy();
        return;
      }
      log(`board server: ${who} takes the board over from ${active.remoteAddress}:${active.remotePort}`);
      active.destroy();
    }
    active = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000); // a vanished host's socket eventually stops blocking the port
    let agent: ByteAgent;
    if (o.agentPerConnection) {
      agent = makeAgent((bytes) => { if (!socket.destroyed) socket.write(bytes); });
    } else if (!kept) {
      agent = kept = makeAgent(sendToActive);
    } else {
      agent = kept;
      agent.rebind?.(sendToActive);
    }
    socket.on('data', (chunk: Buffer) => {
      try {
        agent.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (e) {
        // a board-side bug must not take the server down; the client sees its link drop
        log(`board server: agent failed, dropping the client: ${(e as Error).message}`);
        socket.destroy();
      }
    });
    socket.on('close', () => { if (active === socket) active = undefined; });
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (e) => log(`board server: client ${socket.remoteAddress}:${socket.remotePort}: ${e.message}`));
    // a client that has just closed may have its FIN in the same poll batch as the newcomer's
    // connect; deciding after that batch keeps a quick reconnect from being refused
    setImmediate(() => { if (!socket.destroyed) serve(socket); });
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
