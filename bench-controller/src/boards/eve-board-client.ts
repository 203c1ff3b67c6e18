/**
 * BoardClient over the EVE framed protocol (COBS + CRC-32 frames with sequence numbers) on any
 * ByteTransport. One request in flight; every response is matched to its request by sequence
 * number; damaged frames are counted and dropped (the request then times out and may be retried);
 * a NAK becomes a typed BOARD_NAK error carrying the board's reason.
 */
import {
  Deframer, EveError, MAX_BODY_BYTES, NakCode, deployChecksum, decodeResponse, encodeFrame, encodeRequest,
  type Counters, type Identity, type InferResult, type Request, type Response,
} from '@eve-bench/device-agent';
import type { ByteTransport } from '../transport/byte-transport.js';
import type { BoardClient, DeployReport } from './board-client.js';
import { Waitress, realTimers, type Timers } from './waitress.js';

export interface EveBoardClientOptions {
  timeoutMs: number;
  /** Sends per idempotent request when the board does not answer (frames lost on the line); default 2. */
  attempts?: number;
  timers?: Timers;
}

export interface LinkStats {
  framesIn: number;
  framesBad: number;
  /** Responses nobody waited for (late answers to a timed-out request). */
  unmatched: number;
  /** Requests re-sent after a timeout. */
  retries: number;
  bytesOut: number;
  bytesIn: number;
}

/** Requests whose repetition leaves the board as one would (deploy chunks are offset-checked). */
const IDEMPOTENT: ReadonlySet<Request['type']> = new Set(['hello', 'deployBegin', 'deployChunk', 'deployCommit', 'selectMode', 'getCounters']);

interface Incoming {
  seq: number;
  res: Response;
}

export class EveBoardClient implements BoardClient {
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly waitress: Waitress<Incoming>;
  private readonly deframer = new Deframer();
  private readonly reading: Promise<void>;
  private maxChunk = MAX_BODY_BYTES - 4;
  readonly stats: LinkStats = { framesIn: 0, framesBad: 0, unmatched: 0, retries: 0, bytesOut: 0, bytesIn: 0 };

  constructor(private readonly transport: ByteTransport, private readonly o: EveBoardClientOptions) {
    this.waitress = new Waitress(o.timers ?? realTimers);
    this.reading = this.readLoop();
  }

  private async readLoop(): Promise<void> {
    try {
      for await (const chunk of this.transport.read()) {
        this.stats.bytesIn += chunk.length;
        for (const ev of this.deframer.push(chunk)) {
          if ('error' in ev) { this.stats.framesBad++; continue; }
          this.stats.framesIn++;
          let res: Response;
          try {
            res = decodeResponse(ev.frame.type, ev.frame.body);
          } catch {
            this.stats.framesBad++;
            continue;
          }
          if (!this.waitress.resolve({ seq: ev.frame.seq, res })) this.stats.unmatched++;
        }
      }
      this.waitress.rejectAll(new EveError('BOARD_LINK_CLOSED', `${this.transport.address}: link closed`, { retriable: true }));
    } catch (e) {
      this.waitress.rejectAll(new EveError('BOARD_LINK_FAILED', `${this.transport.address}: ${(e as Error).message}`, { retriable: true, cause: e }));
    }
  }

  /**
   * Sends one request and waits for its response; strictly one in flight. Only requests the
   * board can safely see twice are re-sent on timeout: a re-sent infer/idle/waitCharged whose
   * first answer was merely lost would run twice and skew the device clock and energy figures.
   */
  private request(req: Request, signal?: AbortSignal): Promise<Response> {
    const run = async (): Promise<Response> => {
      const attempts = IDEMPOTENT.has(req.type) ? (this.o.attempts ?? 2) : 1;
      for (let attempt = 1; ; attempt++) {
        const seq = (this.seq = (this.seq + 1) & 0xffff);
        const enc = encodeRequest(req);
        const frame = encodeFrame({ seq, type: enc.type, body: enc.body });
        // a private abort lets a failed write retire its waiter at once instead of at the timeout
        const cancel = new AbortController();
        const answer = this.waitress.wait((m) => m.seq === seq, this.o.timeoutMs, `${this.transport.address} ${req.type}`,
          signal ? AbortSignal.any([signal, cancel.signal]) : cancel.signal);
        answer.catch(() => undefined); // observed below; keeps a failed write from leaving it unhandled
        try {
          await this.transport.write(frame, signal);
        } catch (e) {
          cancel.abort(e);
          throw e;
        }
        this.stats.bytesOut += frame.length;
        try {
          const { res } = await answer;
          if (res.type === 'nak') throw new BoardNakError(req.type, res.code, res.message);
          return res;
        } catch (e) {
          if (!(e instanceof EveError && e.code === 'BOARD_TIMEOUT' && attempt < attempts)) throw e;
          this.stats.retries++;
        }
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async expect<T extends Response['type']>(req: Request, type: T, signal?: AbortSignal): Promise<Extract<Response, { type: T }>> {
    const res = await this.request(req, signal);
    if (res.type !== type) throw new EveError('BOARD_PROTOCOL', `${req.type}: expected ${type}, board answered ${res.type}`);
    return res as Extract<Response, { type: T }>;
  }

  async identify(signal?: AbortSignal): Promise<Identity> {
    const { identity } = await this.expect({ type: 'hello' }, 'identity', signal);
    this.maxChunk = Math.max(16, Math.min(identity.maxChunkBytes, MAX_BODY_BYTES - 4));
    return identity;
  }

  async deploy(pkg: Uint8Array, opts: { chunkBytes?: number; onProgress?(sent: number, total: number): void; signal?: AbortSignal } = {}): Promise<DeployReport> {
    const chunk = Math.max(1, Math.min(opts.chunkBytes ?? this.maxChunk, this.maxChunk));
    const wireBefore = this.stats.bytesOut;
    const wireInBefore = this.stats.bytesIn;
    const begin = async () => {
      const st = await this.expect({ type: 'deployBegin', totalBytes: pkg.length, crc32: deployChecksum(pkg) }, 'deployStatus', opts.signal);
      if (st.totalBytes !== pkg.length || st.receivedBytes > pkg.length) {
        throw new EveError('BOARD_PROTOCOL', `deployBegin: board reports ${st.receivedBytes}/${st.totalBytes} bytes for a ${pkg.length}-byte package`);
      }
      return st;
    };
    let st = await begin();
    const resumedFrom = st.receivedBytes;
    let chunks = 0;
    let bytesSent = 0;
    while (st.receivedBytes < pkg.length) {
      const at = st.receivedBytes;
      const data = pkg.subarray(at, at + chunk);
      try {
        bytesSent += data.length;
        st = await this.expect({ type: 'deployChunk', offset: at, data }, 'deployStatus', opts.signal);
      } catch (e) {
        // the board holds a different offset (e.g. a chunk was applied but its answer was lost): re-sync
        if (e instanceof BoardNakError && e.nak === NakCode.BadOffset) {
          st = await begin();
          // only a lost answer justifies a re-sync, and then the board is ahead; anything else
          // (it lost data, or contradicts itself) would loop, so the caller starts over instead
          if (st.receivedBytes <= at) {
            throw new EveError('BOARD_DEPLOY_RESYNC', `deploy: board refused offset ${at}, then reported ${st.receivedBytes}`, { retriable: true, cause: e });
          }
          continue;
        }
        throw e;
      }
      // a board that does not advance would otherwise keep this loop going for ever
      if (st.receivedBytes <= at || st.receivedBytes > pkg.length) {
        throw new EveError('BOARD_PROTOCOL', `deployChunk at ${at}: board reports ${st.receivedBytes} bytes received`);
      }
      chunks++;
      opts.onProgress?.(st.receivedBytes, pkg.length);
    }
    const done = await this.expect({ type: 'deployCommit' }, 'deployStatus', opts.signal);
    if (!done.committed) throw new EveError('BOARD_PROTOCOL', 'deployCommit: board answered without committing');
    return { bytes: pkg.length, bytesSent, resumedFrom, chunks, wireBytes: this.stats.bytesOut - wireBefore, wireBytesIn: this.stats.bytesIn - wireInBefore };
  }

  async selectMode(mode: number, signal?: AbortSignal) {
    const { nowUs } = await this.expect({ type: 'selectMode', mode }, 'ack', signal);
    return { nowUs };
  }

  async infer(input: Uint8Array, signal?: AbortSignal): Promise<InferResult> {
    return (await this.expect({ type: 'infer', input }, 'inferResult', signal)).result;
  }

  async counters(signal?: AbortSignal): Promise<Counters> {
    return (await this.expect({ type: 'getCounters' }, 'counters', signal)).counters;
  }

  async waitCharged(signal?: AbortSignal) {
    const { nowUs } = await this.expect({ type: 'waitCharged' }, 'ack', signal);
    return { nowUs };
  }

  async idle(durationUs: number, signal?: AbortSignal) {
    const { nowUs } = await this.expect({ type: 'idle', durationUs }, 'ack', signal);
    return { nowUs };
  }

  async close(): Promise<void> {
    await this.transport.close();
    await this.reading;
  }
}

export class BoardNakError extends EveError {
  constructor(readonly request: string, readonly nak: number, readonly reason: string) {
    super('BOARD_NAK', `board refused ${request} (NAK ${nak}): ${reason}`, { retriable: nak === NakCode.BrownOut });
  }
}
