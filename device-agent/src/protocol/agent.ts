/**
 * The board side of the EVE protocol: bytes in, bytes out, one response per request with the
 * request's sequence number. Damaged frames are counted and dropped (the host retries on
 * timeout); a request the board refuses is answered with a NAK carrying the reason.
 */
import { isEveError } from '../errors/eve-error.js';
import { Deframer, encodeFrame } from './frame.js';
import { NakCode, decodeRequest, encodeResponse, type Request, type Response } from './messages.js';
import type { BoardHost } from './board-host.js';

export interface AgentStats {
  framesIn: number;
  framesBad: number;
  requests: number;
  naks: number;
  /** Requests the board did not answer (browned out, hung, booting). */
  unanswered: number;
}

function nakCodeOf(e: unknown): number {
  const nak = (e as { nak?: unknown }).nak;
  return typeof nak === 'number' ? nak : NakCode.BadRequest;
}

export class BoardAgent {
  private deframer = new Deframer();
  readonly stats: AgentStats = { framesIn: 0, framesBad: 0, requests: 0, naks: 0, unanswered: 0 };

  constructor(private readonly host: BoardHost, private send: (bytes: Uint8Array) => void) {}

  /** Points responses at a new link (e.g. the host reconnected); board state is kept. */
  rebind(send: (bytes: Uint8Array) => void): void {
    this.send = send;
    this.deframer = new Deframer();
  }

  receive(chunk: Uint8Array): void {
    for (const ev of this.deframer.push(chunk)) {
      if ('error' in ev) {
        this.stats.framesBad++;
        continue;
      }
      this.stats.framesIn++;
      let res: Response;
      try {
        const req = decodeRequest(ev.frame.type, ev.frame.body);
        this.stats.requests++;
        res = this.handle(req);
      } catch (e) {
        if (isEveError(e, 'BOARD_SILENT')) {
          // a board that browned out, hangs or boots sends nothing, and whatever its UART held is gone
          this.stats.unanswered++;
          this.deframer = new Deframer();
          return;
        }
        this.stats.naks++;
        res = { type: 'nak', code: isEveError(e, 'BOARD_FAULT') ? nakCodeOf(e) : NakCode.BadRequest, message: (e as Error).message };
      }
      const enc = encodeResponse(res);
      this.send(encodeFrame({ seq: ev.frame.seq, type: enc.type, body: enc.body }));
    }
  }

  private handle(req: Request): Response {
    const h = this.host;
    switch (req.type) {
      case 'hello':
        return { type: 'identity', identity: h.identify() };
      case 'deployBegin': {
        const d = h.deployBegin(req.totalBytes, req.crc32);
        return { type: 'deployStatus', receivedBytes: d.receivedBytes, totalBytes: d.totalBytes, committed: d.committed };
      }
      case 'deployChunk': {
        const d = h.deployChunk(req.offset, req.data);
        return { type: 'deployStatus', receivedBytes: d.receivedBytes, totalBytes: d.totalBytes, committed: d.committed };
      }
      case 'deployCommit': {
        const d = h.deployCommit();
        return { type: 'deployStatus', receivedBytes: d.receivedBytes, totalBytes: d.totalBytes, committed: d.committed };
      }
      case 'selectMode':
        h.selectMode(req.mode);
        return { type: 'ack', nowUs: h.nowUs() };
      case 'infer':
        return { type: 'inferResult', result: h.infer(req.input) };
      case 'getCounters':
        return { type: 'counters', counters: h.readCounters() };
      case 'waitCharged':
        return { type: 'ack', nowUs: h.waitCharged() };
      case 'idle':
        return { type: 'ack', nowUs: h.idle(req.durationUs) };
    }
  }
}
