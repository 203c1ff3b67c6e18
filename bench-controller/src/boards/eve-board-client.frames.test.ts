/**
 * EveBoardClient against a scripted fake board over an in-memory pair: the exact frames it
 * writes, NAK mapping, timeouts (on injected timers), resume and re-sync of deploys, and
 * garbage on the line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  Deframer, MAX_BODY_BYTES, MsgType, NakCode, decodeRequest, deployChecksum, encodeFrame, encodeResponse,
  type Request, type Response,
} from '@eve-bench/device-agent';
import { createMemoryPair } from '../transport/memory-transport.js';
import type { ByteTransport } from '../transport/byte-transport.js';
import { BoardNakError, EveBoardClient } from './eve-board-client.js';
import { manualTimers } from './manual-timers.js';

type Reply = Response | 'drop' | Uint8Array;

interface Received {
  seq: number;
  type: number;
  req: Request;
  bytes: Uint8Array;
}

/** A board that answers each request with what the script returns ('drop' = lose the request). */
function scriptedBoard(end: ByteTransport, script: (req: Request, n: number) => Reply) {
  const received: Received[] = [];
  const deframer = new Deframer();
  const reading = (async () => {
    for await (const chunk of end.read()) {
      for (const ev of deframer.push(chunk)) {
        if ('error' in ev) throw ev.error;
        const f = ev.frame;
        const req = decodeRequest(f.type, f.body);
        received.push({ seq: f.seq, type: f.type, req, bytes: encodeFrame(f) });
        const reply = script(req, received.length);
        if (reply === 'drop') continue;
        if (reply instanceof Uint8Array) { await end.write(reply); continue; }
        const enc = encodeResponse(reply);
        await end.write(encodeFrame({ seq: f.seq, type: enc.type, body: enc.body }));
      }
    }
  })();
  return { received, reading };
}


/** Lets queued I/O run until `cond` holds; no wall-clock waiting. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise<void>((r) => setImmediate(r));
  if (!cond()) throw new Error('condition never held');
}

const identity = (maxChunkBytes: number): Response => ({
  type: 'identity', identity: { protocolVersion: 1, boardId: 'fake-1', deviceProfile: 'stm32l476-m4f', firmware: 'test', maxChunkBytes },
});
const status = (receivedBytes: number, totalBytes: number, committed = false): Response => ({ type: 'deployStatus', receivedBytes, totalBytes, committed });

const closers: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

async function setup(script: (req: Request, n: number) => Reply, o: { attempts?: number } = {}) {
  const [hostEnd, boardEnd] = createMemoryPair();
  await hostEnd.open();
  await boardEnd.open();
  const t = manualTimers();
  const client = new EveBoardClient(hostEnd, { timeoutMs: 1000, timers: t.timers, ...o });
  const board = scriptedBoard(boardEnd, script);
  closers.push(async () => { await client.close(); await board.reading; });
  return { client, board, t, boardEnd };
}

/** A deploy-capable board: deployBegin answers with `startAt`, chunks must arrive in order. */
function deployScript(pkgLength: number, startAt: number, tweak?: (req: Request, n: number) => Reply | undefined) {
  let have = startAt;
  return (req: Request, n: number): Reply => {
    const special = tweak?.(req, n);
    if (special !== undefined) return special;
    switch (req.type) {
      case 'hello': return identity(1000);
      case 'deployBegin': return status(have, pkgLength);
      case 'deployChunk':
        if (req.offset !== have) return { type: 'nak', code: NakCode.BadOffset, message: `expected offset ${have}` };
        have += req.data.length;
        return status(have, pkgLength);
      case 'deployCommit': return status(have, pkgLength, true);
      default: return { type: 'nak', code: NakCode.BadRequest, message: 'unexpected' };
    }
  };
}

const pkg = Uint8Array.from({ length: 3500 }, (_, i) => (i * 7) & 0xff);

describe('EveBoardClient frames', () => {
  it('writes exactly one frame per request, numbered from 1, and reads the typed answer', async () => {
    const { client, board } = await setup((req) => (req.type === 'hello' ? identity(512) : { type: 'ack', nowUs: 42 }));
    expect((await client.identify()).boardId).toBe('fake-1');
    expect(await client.selectMode(2)).toEqual({ nowUs: 42 });
    expect(await client.idle(1500)).toEqual({ nowUs: 42 });
    expect(board.received.map((r) => [r.seq, r.type])).toEqual([[1, MsgType.Hello], [2, MsgType.SelectMode], [3, MsgType.Idle]]);
    expect(board.received[0]!.bytes).toEqual(encodeFrame({ seq: 1, type: MsgType.Hello, body: new Uint8Array(0) }));
    expect(board.received[1]!.bytes).toEqual(encodeFrame({ seq: 2, type: MsgType.SelectMode, body: Uint8Array.of(2) }));
    expect(client.stats).toMatchObject({ framesIn: 3, framesBad: 0, unmatched: 0, retries: 0 });
    expect(client.stats.bytesOut).toBe(board.received.reduce((n, r) => n + r.bytes.length, 0));
  });

  it('sequence numbers wrap at 16 bits (0xffff, then 0, then 1) and still match answers', async () => {
    const { client, board } = await setup(() => ({ type: 'ack', nowUs: 1 }));
    for (let i = 0; i < 0x10001; i++) await client.idle(1);
    expect(board.received.slice(-3).map((r) => r.seq)).toEqual([0xffff, 0, 1]);
    expect(client.stats).toMatchObject({ framesIn: 0x10001, unmatched: 0 });
  });

  it('maps a NAK to BOARD_NAK with its code; only a brown-out is retriable; the link keeps working', async () => {
    const { client } = await setup((req) => {
      if (req.type === 'selectMode') return { type: 'nak', code: NakCode.BadMode, message: 'no mode 9' };
      if (req.type === 'infer') return { type: 'nak', code: NakCode.BrownOut, message: 'brown-out' };
      return { type: 'counters', counters: { nowUs: 5, inferences: 0, brownOuts: 1, resets: 1, capacitorV: 2, mode: 0 } };
    });
    const e = await client.selectMode(9).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BoardNakError);
    expect(e).toMatchObject({ code: 'BOARD_NAK', nak: NakCode.BadMode, request: 'selectMode', reason: 'no mode 9', retriable: false });
    await expect(client.infer(new Uint8Array(4))).rejects.toMatchObject({ code: 'BOARD_NAK', nak: NakCode.BrownOut, retriable: true });
    expect((await client.counters()).brownOuts).toBe(1);
  });

  it('re-sends an idempotent request once on timeout, then fails with a retriable BOARD_TIMEOUT', async () => {
    const { client, board, t } = await setup(() => 'drop');
    const p = client.counters();
    p.catch(() => undefined);
    await until(() => board.received.length === 1);
    t.fireAll();
    await until(() => board.received.length === 2);
    t.fireAll();
    await expect(p).rejects.toMatchObject({ code: 'BOARD_TIMEOUT', retriable: true });
    expect(board.received.map((r) => r.seq)).toEqual([1, 2]);
    expect(client.stats.retries).toBe(1);
  });

  it('never re-sends an inference (it would run twice on the board); a late answer is counted, not misdelivered', async () => {
    let late: Uint8Array | undefined;
    const { client, board, t, boardEnd } = await setup((req) => {
      if (req.type === 'infer') {
        const enc = encodeResponse({ type: 'inferResult', result: { predicted: 1, mode: 0, startUs: 0, endUs: 9, cycles: 90, output: new Float32Array(2) } });
        late = encodeFrame({ seq: 1, type: enc.type, body: enc.body });
        return 'drop';
      }
      return { type: 'ack', nowUs: 7 };
    });
    const p = client.infer(new Uint8Array(4));
    p.catch(() => undefined);
    await until(() => board.received.length === 1);
    t.fireAll();
    await expect(p).rejects.toMatchObject({ code: 'BOARD_TIMEOUT' });
    expect(board.received).toHaveLength(1);
    await boardEnd.write(late!); // the answer to seq 1 turns up after all
    expect(await client.waitCharged()).toEqual({ nowUs: 7 });
    expect(client.stats.unmatched).toBe(1);
  });

  it('ignores and counts garbage, damaged frames and unknown types on the line', async () => {
    const { client, boardEnd } = await setup((req) => (req.type === 'hello' ? identity(512) : 'drop'));
    const good = encodeFrame({ seq: 1, type: MsgType.Ack, body: new Uint8Array(8) });
    const badCrc = good.slice();
    badCrc[2] ^= 0x40;
    await boardEnd.write(Uint8Array.of(0x13, 0x37, 0xfe, 0x00)); // noise ending in a delimiter
    await boardEnd.write(badCrc);
    await boardEnd.write(encodeFrame({ seq: 77, type: 0x7e, body: new Uint8Array(3) })); // well-formed, unknown type
    await boardEnd.write(encodeFrame({ seq: 78, type: MsgType.Ack, body: new Uint8Array(3) })); // truncated body
    expect((await client.identify()).boardId).toBe('fake-1');
    expect(client.stats.framesBad).toBe(4);
    expect(client.stats.framesIn).toBe(3); // the CRC-valid ones, including the two that would not decode
  });

  it('deploys in chunks of the board’s size and commits', async () => {
    const { client, board } = await setup(deployScript(pkg.length, 0));
    await client.identify();
    const progress: number[] = [];
    const rep = await client.deploy(pkg, { onProgress: (sent) => progress.push(sent) });
    expect(rep).toMatchObject({ bytes: 3500, bytesSent: 3500, resumedFrom: 0, chunks: 4 });
    expect(progress).toEqual([1000, 2000, 3000, 3500]);
    const begin = board.received[1]!.req;
    expect(begin).toEqual({ type: 'deployBegin', totalBytes: 3500, crc32: deployChecksum(pkg) });
    const chunks = board.received.filter((r) => r.req.type === 'deployChunk').map((r) => r.req as Extract<Request, { type: 'deployChunk' }>);
    expect(chunks.map((c) => [c.offset, c.data.length])).toEqual([[0, 1000], [1000, 1000], [2000, 1000], [3000, 500]]);
    expect(Buffer.concat(chunks.map((c) => c.data))).toEqual(Buffer.from(pkg));
    expect(board.received.at(-1)!.req.type).toBe('deployCommit');
    expect(rep.wireBytes).toBe(board.received.slice(1).reduce((n, r) => n + r.bytes.length, 0));
  });

  it('caps chunks at what a frame body can carry when the board allows more', async () => {
    const big = new Uint8Array(10_000);
    const script = deployScript(big.length, 0);
    const { client, board } = await setup((req, n) => (req.type === 'hello' ? identity(1 << 20) : script(req, n)));
    await client.identify();
    await client.deploy(big);
    const sizes = board.received.filter((r) => r.req.type === 'deployChunk').map((r) => (r.req as { data: Uint8Array }).data.length);
    expect(sizes[0]).toBe(MAX_BODY_BYTES - 4);
  });

  it('resumes from where the board says an interrupted deploy stopped', async () => {
    const { client, board } = await setup(deployScript(pkg.length, 2000));
    await client.identify();
    const rep = await client.deploy(pkg);
    expect(rep).toMatchObject({ resumedFrom: 2000, bytesSent: 1500, chunks: 2 });
    const offsets = board.received.filter((r) => r.req.type === 'deployChunk').map((r) => (r.req as { offset: number }).offset);
    expect(offsets).toEqual([2000, 3000]);
  });

  it('re-sends a chunk whose frame was lost, and re-syncs on BadOffset when only the answer was lost', async () => {
    let lostRequest = false;
    let lostAnswer = false;
    const base = deployScript(pkg.length, 0);
    let have = 0;
    const { client, board, t } = await setup((req, n) => {
      if (req.type === 'deployChunk' && req.offset === 1000 && !lostRequest) { lostRequest = true; return 'drop'; }
      if (req.type === 'deployChunk' && req.offset === 2000 && !lostAnswer) { lostAnswer = true; base(req, n); have = 3000; return 'drop'; }
      const r = base(req, n);
      if (r !== 'drop' && !(r instanceof Uint8Array) && r.type === 'deployStatus') have = r.receivedBytes;
      return r;
    });
    await client.identify();
    const p = client.deploy(pkg);
    await until(() => board.received.length === 4); // hello, begin, chunk@0, chunk@1000 (lost)
    t.fireAll();
    await until(() => board.received.length === 6); // chunk@1000 again, chunk@2000 (applied, answer lost)
    expect(have).toBe(3000);
    t.fireAll();
    const rep = await p;
    const trail = board.received.slice(1).map((r) => (r.req.type === 'deployChunk' ? `chunk@${r.req.offset}` : r.req.type));
    expect(trail).toEqual(['deployBegin', 'chunk@0', 'chunk@1000', 'chunk@1000', 'chunk@2000', 'chunk@2000', 'deployBegin', 'chunk@3000', 'deployCommit']);
    expect(rep).toMatchObject({ resumedFrom: 0, chunks: 3 }); // chunks the board acknowledged
    expect(client.stats.retries).toBe(2);
  });

  it('gives up with a retriable error when a re-sync does not move the board forward', async () => {
    const { client } = await setup(deployScript(pkg.length, 0, (req) => {
      if (req.type === 'deployChunk' && req.offset === 1000) return { type: 'nak', code: NakCode.BadOffset, message: 'lost my buffer' };
      if (req.type === 'deployBegin') return status(1000, pkg.length);
      return undefined;
    }));
    await client.identify();
    await expect(client.deploy(pkg)).rejects.toMatchObject({ code: 'BOARD_DEPLOY_RESYNC', retriable: true });
  });

  it('a failed write rejects at once and leaves no waiter behind', async () => {
    const { client, t, boardEnd } = await setup(() => 'drop');
    await boardEnd.close();
    await expect(client.counters()).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    expect(t.pending()).toBe(0);
  });

  it('a request waiting when the link closes fails with BOARD_LINK_CLOSED', async () => {
    const { client, board, boardEnd } = await setup(() => 'drop');
    const p = client.counters();
    p.catch(() => undefined);
    await until(() => board.received.length === 1);
    await boardEnd.close();
    await expect(p).rejects.toMatchObject({ code: 'BOARD_LINK_CLOSED', retriable: true });
  });
});
