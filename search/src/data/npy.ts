/**
 * NumPy `.npy` reader (format versions 1, 2 and 3). Hand-written: the format is a magic string, a
 * little header that is a Python dict literal, and raw values — a dependency would be bigger than
 * this file, and none on npm validates hostile headers the way the dataset port needs. Values come
 * back as float64 whatever the stored dtype; every length is checked before anything is read.
 */
import { EveError } from '@eve-bench/device-agent';

export interface NpyArray {
  dtype: string;
  shape: number[];
  values: Float64Array;
  /** True for integer dtypes (labels must be integers). */
  integer: boolean;
}

const KINDS: Record<string, { size: number; integer: boolean; get(v: DataView, o: number, le: boolean): number }> = {
  u1: { size: 1, integer: true, get: (v, o) => v.getUint8(o) },
  i1: { size: 1, integer: true, get: (v, o) => v.getInt8(o) },
  b1: { size: 1, integer: true, get: (v, o) => v.getUint8(o) },
  u2: { size: 2, integer: true, get: (v, o, le) => v.getUint16(o, le) },
  i2: { size: 2, integer: true, get: (v, o, le) => v.getInt16(o, le) },
  u4: { size: 4, integer: true, get: (v, o, le) => v.getUint32(o, le) },
  i4: { size: 4, integer: true, get: (v, o, le) => v.getInt32(o, le) },
  u8: { size: 8, integer: true, get: (v, o, le) => Number(v.getBigUint64(o, le)) },
  i8: { size: 8, integer: true, get: (v, o, le) => Number(v.getBigInt64(o, le)) },
  f4: { size: 4, integer: false, get: (v, o, le) => v.getFloat32(o, le) },
  f8: { size: 8, integer: false, get: (v, o, le) => v.getFloat64(o, le) },
};

/** Upper bound on values in one file (1 G): refuses a header that asks for an absurd allocation. */
const MAX_VALUES = 1 << 30;

export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const bad = (msg: string, code = 'DATA_FORMAT'): never => { throw new EveError(code, `${source}: ${msg}`); };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) bad('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) bad(`unsupported .npy version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : bad('truncated header');
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) bad(`header of ${headerLen} bytes runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([<>|=])([a-z])(\d+)'/.exec(header) ?? bad(`header has no simple 'descr' (structured arrays are not supported): ${header.trim()}`);
  if (/'fortran_order'\s*:\s*True/.test(header)) bad('Fortran-ordered arrays are not supported; save with np.ascontiguousarray');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header) ?? bad('header has no shape');
  const shape = shapeText[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => (/^\d+$/.test(s) ? Number(s) : bad(`bad shape entry '${s}'`)));
  const key = `${descr[2]}${descr[3]}`;
  const kind = KINDS[key] ?? bad(`dtype '${descr[1]}${key}' is not supported (use uint8, int8..int64, float32 or float64)`, 'DATA_DTYPE');
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_VALUES) bad(`shape (${shape.join(', ')}) holds ${count} values, more than the ${MAX_VALUES} accepted`);
  const dataStart = start + headerLen;
  if (bytes.length - dataStart !== count * kind.size) bad(`shape (${shape.join(', ')}) of ${key} needs ${count * kind.size} data bytes, the file has ${bytes.length - dataStart}`);
  const le = descr[1] !== '>';
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = kind.get(view, dataStart + i * kind.size, le);
  return { dtype: `${descr[1]}${key}`, shape, values, integer: kind.integer };
}

/** Writes a little-endian v1 `.npy` (for tests and for users converting data). */
export function writeNpy(values: ArrayLike<number>, shape: number[], dtype: 'u1' | 'i4' | 'f4' | 'f8'): Uint8Array {
  const kind = KINDS[dtype]!;
  let header = `{'descr': '${dtype === 'u1' ? '|' : '<'}${dtype}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * kind.size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const o = 10 + header.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (dtype === 'u1') view.setUint8(o + i, v);
    else if (dtype === 'i4') view.setInt32(o + 4 * i, v, true);
    else if (dtype === 'f4') view.setFloat32(o + 4 * i, v, true);
    else view.setFloat64(o + 8 * i, v, true);
  }
  return out;
}
