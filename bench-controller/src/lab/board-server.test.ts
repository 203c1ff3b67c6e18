import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serveBoard, type BoardServerOptions, type ByteAgent } from './board-server.js';

/** Echoes every byte plus one, and remembers how many it has seen (its "board state"). */
class CountingAgent implements ByteAgent {
  seen = 0;
  rebinds = 0;
  constructor(private send: (b: Uint8Array) => void) {}
  receive(b: Uint8Array): void {
    if (b.includes(0xee)) throw new Error('board firmware crashed');
    this.seen += b.length;
    this.send(b.map((x) => x + 1));
  }
  rebind(send: (b: Uint8Array) => void): void {
    this.rebinds++;
    this.send = send;
  }
}

interface Client {
  socket: Socket;
  /** Resolves with the next `n` bytes received. */
  read(n: number): Promise<Uint8Array>;
  closed: Promise<void>;
}

function client(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let want: { n: number; resolve: (b: Uint8Array) => void } | undefined;
    const check = () => { if (want && buf.length >= want.n) { const w = want; want = undefined; w.resolve(buf.subarray(0, w.n)); buf = buf.subarray(w.n); } };
    socket.on('data', (d) => { buf = Buffer.concat([buf, d]); check(); });
    socket.on('error', () => undefined); // a refused client sees a reset; its `closed` says so
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.once('connect', () => resolve({ socket, closed, read: (n) => new Promise((r) => { want = { n, resolve: r }; check(); }) }));
    socket.once('error', reject);
  });
}

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

async function start(o: Partial<BoardServerOptions> = {}) {
  const agents: CountingAgent[] = [];
  const logs: string[] = [];
  const server = await serveBoard((send) => { const a = new CountingAgent(send); agents.push(a); return a; }, { host: '127.0.0.1', port: 0, log: (l) => logs.push(l), ...o });
  closers.push(() => server.close());
  const open = async () => { const c = await client(server.port); closers.push(() => { c.socket.destroy(); }); return c; };
  return { server, agents, logs, open };
}

async function hangUp(c: Client): Promise<void> {
  c.socket.end();
  await c.closed;
}

describe('serveBoard', () => {
  it('passes raw bytes both ways', async () => {
    const { open } = await start();
    const c = await open();
    c.socket.write(Uint8Array.of(1, 2, 3));
    expect([...(await c.read(3))]).toEqual([2, 3, 4]);
  });

  it('refuses a second client with a log line and keeps serving the first', async () => {
    const { open, logs } = await start();
    const first = await open();
    first.socket.write(Uint8Array.of(10));
    await first.read(1);
    const second = await open();
    await second.closed;
    expect(logs.join('\n')).toMatch(/refused .* in use/);
    first.socket.write(Uint8Array.of(20));
    expect([...(await first.read(1))]).toEqual([21]);
  });

  it('keeps one agent, and its state, across reconnects', async () => {
    const { open, agents } = await start();
    const a = await open();
    a.socket.write(Uint8Array.of(1, 1));
    await a.read(2);
    await hangUp(a);
    const b = await open();
    b.socket.write(Uint8Array.of(5));
    expect([...(await b.read(1))]).toEqual([6]); // answers go to the new client
    expect(agents).toHaveLength(1);
    expect(agents[0]!.seen).toBe(3);
    expect(agents[0]!.rebinds).toBe(1);
  });

  it('can make a fresh agent per connection', async () => {
    const { open, agents } = await start({ agentPerConnection: true });
    const a = await open();
    a.socket.write(Uint8Array.of(1));
    await a.read(1);
    await hangUp(a);
    const b = await open();
    b.socket.write(Uint8Array.of(2));
    await b.read(1);
    expect(agents.map((x) => x.seen)).toEqual([1, 1]);
  });

  it("whenBusy 'replace' hands the board to the newcomer", async () => {
    const { open, logs, agents } = await start({ whenBusy: 'replace' });
    const first = await open();
    first.socket.write(Uint8Array.of(1));
    await first.read(1);
    const second = await open();
    await first.closed;
    second.socket.write(Uint8Array.of(7));
    expect([...(await second.read(1))]).toEqual([8]);
    expect(logs.join('\n')).toMatch(/takes the board over/);
    expect(agents).toHaveLength(1);
  });

  it('a failing agent drops its client with a log line; the server keeps serving', async () => {
    const { open, logs } = await start({ agentPerConnection: true });
    const a = await open();
    a.socket.write(Uint8Array.of(0xee));
    await a.closed;
    expect(logs.join('\n')).toMatch(/agent failed.*crashed/);
    const b = await open();
    b.socket.write(Uint8Array.of(1));
    expect([...(await b.read(1))]).toEqual([2]);
  });

  it('close() disconnects the client', async () => {
    const { open, server } = await start();
    const a = await open();
    a.socket.write(Uint8Array.of(1));
    await a.read(1);
    await server.close();
    await a.closed;
  });
});
