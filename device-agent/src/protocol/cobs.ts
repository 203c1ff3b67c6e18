/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): removes every 0x00 from a
 * payload at a cost of at most one byte per 254, so 0x00 can delimit frames on a raw byte
 * stream (UART, ser2net TCP). Hand-written: it is part of our wire protocol and the C side
 * implements the same few lines.
 */
import { EveError } from '../errors/eve-error.js';

export function cobsEncode(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length + Math.ceil(input.length / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    if (b !== 0) {
      out[o++] = b;
      code++;
    }
    if (b === 0 || code === 0xff) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

export function cobsDecode(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let i = 0;
  let o = 0;
  while (i < input.length) {
    const code = input[i]!;
    if (code === 0) throw new EveError('COBS_ZERO', `COBS: unexpected 0x00 at byte ${i}`);
    const end = i + code;
    if (end > input.length) {
      throw new EveError('COBS_OVERRUN', `COBS: block at byte ${i} claims ${code - 1} bytes, only ${input.length - i - 1} left`);
    }
    for (let j = i + 1; j < end; j++) {
      if (input[j] === 0) throw new EveError('COBS_ZERO', `COBS: unexpected 0x00 at byte ${j}`);
      out[o++] = input[j]!;
    }
    i = end;
    if (code !== 0xff && i < input.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}
