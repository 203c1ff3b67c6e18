/**
 * USBTMC bulk framing (USB Test & Measurement Class 1.0, section 3.2): every bulk-OUT transfer
 * and every bulk-IN reply starts with a 12-byte header — MsgID, bTag, ~bTag, reserved,
 * TransferSize (u32 LE), bmTransferAttributes, 3 reserved/TermChar bytes — and the whole
 * transfer is padded to a multiple of 4 bytes. Hand-written: it is the protocol itself, and no
 * maintained JS library implements it.
 */
import { EveError } from '@eve-bench/device-agent';

export const HEADER_BYTES = 12;
export const MSG_DEV_DEP_MSG_OUT = 1;
/** REQUEST_DEV_DEP_MSG_IN on bulk-OUT; its reply DEV_DEP_MSG_IN on bulk-IN has the same MsgID. */
export const MSG_DEV_DEP_MSG_IN = 2;
const ATTR_EOM = 0x01;
const ATTR_TERM_CHAR = 0x02;

/** bTag runs 1..255 and wraps to 1: 0 is reserved by the spec. */
export function nextTag(tag: number): number {
  return tag >= 255 ? 1 : tag + 1;
}

function header(msgId: number, tag: number, transferSize: number, attributes: number, termChar = 0): Uint8Array {
  if (!Number.isInteger(tag) || tag < 1 || tag > 255) throw new EveError('USBTMC_BAD_TAG', `bTag must be 1-255, got ${tag}`);
  const h = new Uint8Array(HEADER_BYTES);
  const view = new DataView(h.buffer);
  h[0] = msgId;
  h[1] = tag;
  h[2] = ~tag & 0xff;
  view.setUint32(4, transferSize, true);
  h[8] = attributes;
  h[9] = termChar;
  return h;
}

const padded = (n: number) => (n + 3) & ~3;

/** A DEV_DEP_MSG_OUT transfer carrying `payload`; `eom` marks the last part of a message. */
export function encodeDevDepMsgOut(tag: number, payload: Uint8Array, eom: boolean): Uint8Array {
  const out = new Uint8Array(padded(HEADER_BYTES + payload.length));
  out.set(header(MSG_DEV_DEP_MSG_OUT, tag, payload.length, eom ? ATTR_EOM : 0));
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Asks the device for at most `maxBytes` of its reply (optionally stopping at `termChar`). */
export function encodeRequestDevDepMsgIn(tag: number, maxBytes: number, termChar?: number): Uint8Array {
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 0xffffffff) {
    throw new EveError('USBTMC_BAD_SIZE', `TransferSize must be 1..2^32-1, got ${maxBytes}`);
  }
  return header(MSG_DEV_DEP_MSG_IN, tag, maxBytes, termChar === undefined ? 0 : ATTR_TERM_CHAR, termChar ?? 0);
}

export interface BulkHeader {
  msgId: number;
  tag: number;
  transferSize: number;
  eom: boolean;
  termChar: number | undefined;
}

/** Parses and checks a header (either direction); a bad one is USBTMC_BAD_HEADER. */
export function parseHeader(bytes: Uint8Array): BulkHeader {
  if (bytes.length < HEADER_BYTES) throw new EveError('USBTMC_BAD_HEADER', `transfer of ${bytes.length} bytes is shorter than a ${HEADER_BYTES}-byte header`);
  const [msgId, tag, inverse] = [bytes[0]!, bytes[1]!, bytes[2]!];
  if (tag === 0 || ((~tag & 0xff) !== inverse)) {
    throw new EveError('USBTMC_BAD_HEADER', `bTag ${tag} / ~bTag ${inverse} do not match`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const attributes = bytes[8]!;
  return {
    msgId,
    tag,
    transferSize: view.getUint32(4, true),
    eom: (attributes & ATTR_EOM) !== 0,
    termChar: (attributes & ATTR_TERM_CHAR) !== 0 ? bytes[9] : undefined,
  };
}
