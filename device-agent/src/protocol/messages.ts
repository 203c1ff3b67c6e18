/**
 * EVE board protocol, command layer: typed messages <-> frame bodies.
 * Host -> board requests carry a sequence number; the board answers each with exactly one
 * response of the same sequence number (a result type, ACK or NAK). Times are device
 * microseconds as float64 (exact to 2^53 us, ~285 years).
 */
import { EveError } from '../errors/eve-error.js';
import { crc32 } from '../format/crc32.js';

export const PROTOCOL_VERSION = 1;

export const MsgType = {
  // host -> board
  Hello: 0x01,
  DeployBegin: 0x10,
  DeployChunk: 0x11,
  DeployCommit: 0x12,
  SelectMode: 0x20,
  Infer: 0x30,
  GetCounters: 0x40,
  WaitCharged: 0x41,
  Idle: 0x42,
  // board -> host
  Identity: 0x81,
  DeployStatus: 0x90,
  InferResult: 0xb0,
  Counters: 0xc0,
  Ack: 0xa0,
  Nak: 0xff,
} as const;

/** Reasons a board refuses a request (NAK code). */
export const NakCode = {
  BadRequest: 1,
  NoPackage: 2,
  BadOffset: 3,
  PackageCrc: 4,
  PackageInvalid: 5,
  BadMode: 6,
  BadInput: 7,
  BrownOut: 8,
  TooLarge: 9,
} as const;

export type Request =
  | { type: 'hello' }
  | { type: 'deployBegin'; totalBytes: number; crc32: number }
  | { type: 'deployChunk'; offset: number; data: Uint8Array }
  | { type: 'deployCommit' }
  | { type: 'selectMode'; mode: number }
  | { type: 'infer'; input: Uint8Array }
  | { type: 'getCounters' }
  | { type: 'waitCharged' }
  | { type: 'idle'; durationUs: number };

export interface Identity {
  protocolVersion: number;
  boardId: string;
  deviceProfile: string;
  firmware: string;
  maxChunkBytes: number;
}

export interface InferResult {
  predicted: number;
  mode: number;
  startUs: number;
  endUs: number;
  cycles: number;
  output: Float32Array;
}

export interface Counters {
  nowUs: number;
  inferences: number;
  brownOuts: number;
  resets: number;
  capacitorV: number;
  mode: number;
}

export type Response =
  | { type: 'identity'; identity: Identity }
  | { type: 'deployStatus'; receivedBytes: number; totalBytes: number; committed: boolean }
  | { type: 'inferResult'; result: InferResult }
  | { type: 'counters'; counters: Counters }
  | { type: 'ack'; nowUs: number }
  | { type: 'nak'; code: number; message: string };

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

class Writer {
  private parts: number[] = [];
  private bytes: Uint8Array[] = [];
  private buf = new ArrayBuffer(8);
  private view = new DataView(this.buf);
  u8(v: number) { this.parts.push(v & 0xff); return this; }
  u16(v: number) { this.view.setUint16(0, v, true); return this.raw(new Uint8Array(this.buf, 0, 2)); }
  u32(v: number) { this.view.setUint32(0, v >>> 0, true); return this.raw(new Uint8Array(this.buf, 0, 4)); }
  f32(v: number) { this.view.setFloat32(0, v, true); return this.raw(new Uint8Array(this.buf, 0, 4)); }
  f64(v: number) { this.view.setFloat64(0, v, true); return this.raw(new Uint8Array(this.buf, 0, 8)); }
  str(s: string) { const b = enc.encode(s); this.u16(b.length); return this.raw(b); }
  raw(b: Uint8Array) { for (const x of b) this.parts.push(x); return this; }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

/** Bounds-checked reader: any read past the end is a typed error naming the field. */
class Reader {
  private o = 0;
  private view: DataView;
  constructor(private b: Uint8Array, private what: string) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(n: number, field: string) {
    if (this.o + n > this.b.length) {
      throw new EveError('MSG_TRUNCATED', `${this.what}: field '${field}' needs ${n} bytes at ${this.o}, body has ${this.b.length}`);
    }
  }
  u8(f: string) { this.need(1, f); return this.b[this.o++]!; }
  u16(f: string) { this.need(2, f); const v = this.view.getUint16(this.o, true); this.o += 2; return v; }
  u32(f: string) { this.need(4, f); const v = this.view.getUint32(this.o, true); this.o += 4; return v; }
  f32(f: string) { this.need(4, f); const v = this.view.getFloat32(this.o, true); this.o += 4; return v; }
  f64(f: string) { this.need(8, f); const v = this.view.getFloat64(this.o, true); this.o += 8; return v; }
  str(f: string) { const n = this.u16(f); this.need(n, f); const s = dec.decode(this.b.subarray(this.o, this.o + n)); this.o += n; return s; }
  rest() { const r = this.b.slice(this.o); this.o = this.b.length; return r; }
  end() {
    if (this.o !== this.b.length) throw new EveError('MSG_TRAILING', `${this.what}: ${this.b.length - this.o} unexpected trailing bytes`);
  }
}

export function encodeRequest(r: Request): { type: number; body: Uint8Array } {
  const w = new Writer();
  switch (r.type) {
    case 'hello': return { type: MsgType.Hello, body: w.done() };
    case 'deployBegin': return { type: MsgType.DeployBegin, body: w.u32(r.totalBytes).u32(r.crc32).done() };
    case 'deployChunk': return { type: MsgType.DeployChunk, body: w.u32(r.offset).raw(r.data).done() };
    case 'deployCommit': return { type: MsgType.DeployCommit, body: w.done() };
    case 'selectMode': return { type: MsgType.SelectMode, body: w.u8(r.mode).done() };
    case 'infer': return { type: MsgType.Infer, body: r.input.slice() };
    case 'getCounters': return { type: MsgType.GetCounters, body: w.done() };
    case 'waitCharged': return { type: MsgType.WaitCharged, body: w.done() };
    case 'idle': return { type: MsgType.Idle, body: w.f64(r.durationUs).done() };
  }
}

export function decodeRequest(type: number, body: Uint8Array): Request {
  const r = new Reader(body, `request 0x${type.toString(16)}`);
  let req: Request;
  switch (type) {
    case MsgType.Hello: req = { type: 'hello' }; break;
    case MsgType.DeployBegin: req = { type: 'deployBegin', totalBytes: r.u32('totalBytes'), crc32: r.u32('crc32') }; break;
    case MsgType.DeployChunk: req = { type: 'deployChunk', offset: r.u32('offset'), data: r.rest() }; break;
    case MsgType.DeployCommit: req = { type: 'deployCommit' }; break;
    case MsgType.SelectMode: req = { type: 'selectMode', mode: r.u8('mode') }; break;
    case MsgType.Infer: req = { type: 'infer', input: r.rest() }; break;
    case MsgType.GetCounters: req = { type: 'getCounters' }; break;
    case MsgType.WaitCharged: req = { type: 'waitCharged' }; break;
    case MsgType.Idle: req = { type: 'idle', durationUs: r.f64('durationUs') }; break;
    default: throw new EveError('MSG_UNKNOWN_TYPE', `unknown request type 0x${type.toString(16)}`);
  }
  r.end();
  return req;
}

export function encodeResponse(r: Response): { type: number; body: Uint8Array } {
  const w = new Writer();
  switch (r.type) {
    case 'identity': {
      const i = r.identity;
      return { type: MsgType.Identity, body: w.u8(i.protocolVersion).str(i.boardId).str(i.deviceProfile).str(i.firmware).u32(i.maxChunkBytes).done() };
    }
    case 'deployStatus':
      return { type: MsgType.DeployStatus, body: w.u32(r.receivedBytes).u32(r.totalBytes).u8(r.committed ? 1 : 0).done() };
    case 'inferResult': {
      const x = r.result;
      w.u8(x.predicted).u8(x.mode).f64(x.startUs).f64(x.endUs).f64(x.cycles).u16(x.output.length);
      for (const v of x.output) w.f32(v);
      return { type: MsgType.InferResult, body: w.done() };
    }
    case 'counters': {
      const c = r.counters;
      return { type: MsgType.Counters, body: w.f64(c.nowUs).u32(c.inferences).u32(c.brownOuts).u32(c.resets).f32(c.capacitorV).u8(c.mode).done() };
    }
    case 'ack': return { type: MsgType.Ack, body: w.f64(r.nowUs).done() };
    case 'nak': return { type: MsgType.Nak, body: w.u8(r.code).str(r.message).done() };
  }
}

export function decodeResponse(type: number, body: Uint8Array): Response {
  const r = new Reader(body, `response 0x${type.toString(16)}`);
  let res: Response;
  switch (type) {
    case MsgType.Identity:
      res = { type: 'identity', identity: { protocolVersion: r.u8('protocolVersion'), boardId: r.str('boardId'), deviceProfile: r.str('deviceProfile'), firmware: r.str('firmware'), maxChunkBytes: r.u32('maxChunkBytes') } };
      break;
    case MsgType.DeployStatus:
      res = { type: 'deployStatus', receivedBytes: r.u32('receivedBytes'), totalBytes: r.u32('totalBytes'), committed: r.u8('committed') === 1 };
      break;
    case MsgType.InferResult: {
      const predicted = r.u8('predicted'); const mode = r.u8('mode');
      const startUs = r.f64('startUs'); const endUs = r.f64('endUs'); const cycles = r.f64('cycles');
      const n = r.u16('outputLength');
      const output = new Float32Array(n);
      for (let i = 0; i < n; i++) output[i] = r.f32('output');
      res = { type: 'inferResult', result: { predicted, mode, startUs, endUs, cycles, output } };
      break;
    }
    case MsgType.Counters:
      res = { type: 'counters', counters: { nowUs: r.f64('nowUs'), inferences: r.u32('inferences'), brownOuts: r.u32('brownOuts'), resets: r.u32('resets'), capacitorV: r.f32('capacitorV'), mode: r.u8('mode') } };
      break;
    case MsgType.Ack: res = { type: 'ack', nowUs: r.f64('nowUs') }; break;
    case MsgType.Nak: res = { type: 'nak', code: r.u8('code'), message: r.str('message') }; break;
    default: throw new EveError('MSG_UNKNOWN_TYPE', `unknown response type 0x${type.toString(16)}`);
  }
  r.end();
  return res;
}

/**
 * The checksum a deploy announces and the board verifies: CRC-32 of the u32 LE length followed by
 * the bytes. Not the plain CRC-32 of the file: an `.eve` package ends with its own CRC-32, and the
 * CRC-32 of data followed by its CRC is the same constant (the CRC residue) for every package, so
 * it could neither tell two packages apart nor catch a wrong one being resumed.
 */
export function deployChecksum(bytes: Uint8Array): number {
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, bytes.length, true);
  return crc32(bytes, crc32(len));
}
