import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpTransport } from './tcp-transport.js';
import { ReconnectingTransport } from './reconnecting-transport.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function listen(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

describe('TcpTransport', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  it('exchanges bytes with a TCP peer and fails the read, retriably, when the peer hangs up', async () => {
    const { server, port } = await listen((s) => s.on('data', (d) => s.end(`echo:${d.toString()}`)));
    servers.push(server);
    const t = new TcpTransport('127.0.0.1', port, { connectTimeoutMs: 2000 });
    expect(t.address).toBe(`tcp://127.0.0.1:${port}`);
    await t.open();
    expect(t.isOpen).toBe(true);
    await t.write(new TextEncoder().encode('hi'));
    let got = '';
    await expect((async () => { for await (const c of t.read()) got += text(c); })())
      .rejects.toMatchObject({ code: 'TRANSPORT_DISCONNECTED', retriable: true });
    expect(got).toBe('echo:hi');
    expect(t.isOpen).toBe(false);
    await t.close();
    await t.close();
  });

  it('pauses the socket instead of buffering without bound when nobody reads', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const { server, port } = await listen((s) => { for (let i = 0; i < 64; i++) s.write(chunk); s.end(); });
    servers.push(server);
    const t = new TcpTransport('127.0.0.1', port, { queueChunks: 2 });
    await t.open();
    await new Promise((r) => setTimeout(r, 50));
    let total = 0;
    // Every byte arrives before the hang-up is reported.
    await expect((async () => { for await (const c of t.read()) total += c.byteLength; })()).rejects.toMatchObject({ code: 'TRANSPORT_DISCONNECTED' });
    expect(total).toBe(64 * chunk.length);
    await t.close();
  });

  it('reports a refused connection as retriable TRANSPORT_CONNECT_FAILED', async () => {
    const { server, port } = await listen(() => undefined);
    await new Promise((r) => server.close(r));
    const t = new TcpTransport('127.0.0.1', port, { connectTimeoutMs: 2000 });
    await expect(t.open()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED', retriable: true });
    expect(t.isOpen).toBe(false);
  });

  it('honours an abort signal while connecting and refuses writes when closed', async () => {
    const t = new TcpTransport('127.0.0.1', 9, { connectTimeoutMs: 2000 });
    const ac = new AbortController();
    ac.abort();
    await expect(t.open(ac.signal)).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED' });
    await expect(t.write(new Uint8Array([1]))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('ends the read normally when we close it ourselves', async () => {
    const { server, port } = await listen(() => undefined);
    servers.push(server);
    const t = new TcpTransport('127.0.0.1', port);
    await t.open();
    const reading = (async () => { for await (const _ of t.read()) void _; })();
    await t.close();
    await expect(reading).resolves.toBeUndefined();
  });

  it('is reopened by ReconnectingTransport after the peer drops the connection', async () => {
    const peers: Socket[] = [];
    const { server, port } = await listen((s) => { peers.push(s); s.write(`hello ${peers.length}`); });
    servers.push(server);
    const t = new ReconnectingTransport(() => new TcpTransport('127.0.0.1', port), { initialDelayMs: 1, maxDelayMs: 2, random: () => 0 });
    await t.open();
    const it = t.read()[Symbol.asyncIterator]();
    expect(text((await it.next()).value)).toBe('hello 1');
    peers[0]!.destroy();
    expect(text((await it.next()).value)).toBe('hello 2');
    await t.close();
    for (const p of peers) p.destroy();
  });

  it('validates the port up front', () => {
    expect(() => new TcpTransport('h', 70000)).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_OPTION' }));
  });
});
