/**
 * EVE wire framing: a frame is COBS(seq u16 LE | type u8 | body | CRC32 u32 LE) followed by 0x00.
 * The CRC covers seq, type and body. Frames larger than MAX_FRAME_BYTES are refused on both
 * ends so a noisy line can never make a receiver buffer without bound.
 */
import { EveError } from '../errors/eve-error.js';
import { cobsDecode, cobsEncode } from './cobs.js';
import { crc32 } from '../format/crc32.js';

/** Largest body a frame may carry; deploy chunks are sized to fit. */
export const MAX_BODY_BYTES = 4096;
const HEADER_BYTES = 3;
const CRC_BYTES = 4;
/** Largest encoded frame (COBS overhead included), delimiter excluded. */
export const MAX_FRAME_BYTES = Math.ceil(((MAX_BODY_BYTES + HEADER_BYTES + CRC_BYTES) * 255) / 254) + 1;

export interface Frame {
  seq: number;
  type: number;
  body: Uint8Array;
}

export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.body.length > MAX_BODY_BYTES) {
    throw new EveError('FRAME_TOO_LARGE', `frame body of ${frame.body.length} bytes exceeds ${MAX_BODY_BYTES}`);
  }
  const raw = new Uint8Array(HEADER_BYTES + frame.body.length + CRC_BYTES);
  const view = new DataView(raw.buffer);
  view.setUint16(0, frame.seq & 0xffff, true);
  raw[2] = frame.type & 0xff;
  raw.set(frame.body, HEADER_BYTES);
  view.setUint32(HEADER_BYTES + frame.body.length, crc32(raw.subarray(0, HEADER_BYTES + frame.body.length)), true);
  const enc = cobsEncode(raw);
  const out = new Uint8Array(enc.length + 1);
  out.set(enc);
  return out; // trailing 0x00 delimiter
}

/** Decodes one frame (without its 0x00 delimiter); throws a typed error on any damage. */
export function decodeFrame(encoded: Uint8Array): Frame {
  if (encoded.length > MAX_FRAME_BYTES) {
    throw new EveError('FRAME_TOO_LARGE', `frame of ${encoded.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  }
  const raw = cobsDecode(encoded);
  if (raw.length < HEADER_BYTES + CRC_BYTES) {
    throw new EveError('FRAME_SHORT', `frame of ${raw.length} bytes is shorter than header and CRC`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const bodyEnd = raw.length - CRC_BYTES;
  const want = view.getUint32(bodyEnd, true);
  const got = crc32(raw.subarray(0, bodyEnd));
  if (want !== got) {
    throw new EveError('FRAME_CRC', `frame CRC mismatch: carried 0x${want.toString(16)}, computed 0x${got.toString(16)}`);
  }
  return { seq: view.getUint16(0, true), type: raw[2]!, body: raw.slice(HEADER_BYTES, bodyEnd) };
}

export type DeframerEvent = { frame: Frame } | { error: EveError };

/**
 * Splits a byte stream on 0x00 and decodes each frame. Damaged or oversized frames are
 * reported as events (so the caller counts and logs them) and never stop the stream.
 */
export class Deframer {
  private buf = new Uint8Array(MAX_FRAME_BYTES);
  private len = 0;
  private overflow = false;

  push(chunk: Uint8Array): DeframerEvent[] {
    const events: DeframerEvent[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0) {
        if (this.overflow) {
          events.push({ error: new EveError('FRAME_TOO_LARGE', `dropped a frame longer than ${MAX_FRAME_BYTES} bytes`) });
        } else if (this.len > 0) {
          try {
            events.push({ frame: decodeFrame(this.buf.subarray(0, this.len)) });
          } catch (e) {
            events.push({ error: e as EveError });
          }
        }
        this.len = 0;
        this.overflow = false;
      } else if (this.len < MAX_FRAME_BYTES) {
        this.buf[this.len++] = b;
      } else {
        this.overflow = true;
      }
    }
    return events;
  }
}
