import { describe, expect, it } from 'vitest';
import { createMemoryPair } from './memory-transport.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('createMemoryPair', () => {
  it('carries bytes both ways, in order, copying the caller buffer', async () => {
    const [a, b] = createMemoryPair();
    await a.open();
    await b.open();
    const buf = bytes('one');
    await a.write(buf);
    buf.fill(0);
    await a.write(bytes('two'));
    await b.write(bytes('back'));
    const got: string[] = [];
    for await (const c of b.read()) {
      got.push(text(c));
      if (got.length === 2) break;
    }
    expect(got).toEqual(['one', 'two']);
    for await (const c of a.read()) {
      expect(text(c)).toBe('back');
      break;
    }
    await a.close();
  });

  it('applies back-pressure: a writer waits while the peer queue is full', async () => {
    const [a, b] = createMemoryPair({ queueChunks: 2 });
    await a.open();
    await b.open();
    await a.write(bytes('1'));
    await a.write(bytes('2'));
    let third = false;
    const w = a.write(bytes('3')).then(() => { third = true; });
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    const it = b.read()[Symbol.asyncIterator]();
    expect(text((await it.next()).value)).toBe('1');
    await w;
    expect(third).toBe(true);
    await a.close();
  });

  it('ends the peer reader on close; close is idempotent; writes after close are typed errors', async () => {
    const [a, b] = createMemoryPair();
    await a.open();
    await b.open();
    await a.write(bytes('last'));
    await a.close();
    await a.close();
    const got: string[] = [];
    for await (const c of b.read()) got.push(text(c));
    expect(got).toEqual(['last']);
    expect(a.isOpen).toBe(false);
    expect(b.isOpen).toBe(false);
    await expect(a.write(bytes('x'))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('allows only one reader at a time', async () => {
    const [a] = createMemoryPair();
    await a.open();
    const first = a.read()[Symbol.asyncIterator]();
    expect(() => a.read()[Symbol.asyncIterator]()).toThrow(expect.objectContaining({ code: 'TRANSPORT_READER_BUSY' }));
    await first.return!();
    expect(() => a.read()[Symbol.asyncIterator]()).not.toThrow();
    await a.close();
  });
});
