/**
 * `.eve` v1 writer. Layout (little-endian):
 *   header    magic "EVE\0", version u16, dtype u8, modeCount u8, layerCount u16, outputs u16,
 *             input H,W,C u16, name (u8 length + UTF-8)
 *   modes     per mode: name (u8 length + UTF-8), keptWeights u32
 *   layers    per layer: kind u8, format u8; dense and conv2d layers add inFeatures u32,
 *             outFeatures u32, storedWeights u32, and offsets u32 (into the weight region) of
 *             bias, values, columns, rowStarts, rowEnds; conv2d then adds input H,W,C and
 *             kernel H,W (u16); maxpool adds input H,W,C and size (u16)
 *             int8 packages (dtype 1) add scalesOffset u32 right after rowEndsOffset, and store
 *             values as int8 and bias as int32 (format/int8-section.ts)
 *   region    u32 byte length, padding to a 4-byte boundary, then the shared weight region
 *   trailer   CRC-32 of every byte before it
 * Within each stored row, weights are ordered from "kept by the sparsest mode" to "kept only by
 * the densest", so mode k's row is a prefix ending at rowEnds[k][row]. Row ends are u32.
 * A dense-format layer stores the full row-major matrix (weights pruned everywhere as 0.0) and
 * serves every mode from that one matrix, which is only correct if no mode prunes differently:
 * every weight must be kept by all modes or by none (keep[i] is -1 or modeCount-1). Callers that
 * want a layer dense in the dense modes and sparse in the sparse ones use rowPrefixSparse.
 * A block1x4 layer stores aligned blocks of four consecutive weights of a row (every weight of a
 * block shares its keep tier): values holds 4 per block, columns one first-column per block, and
 * rowStarts/rowEnds count blocks; storedWeights is 4 x blocks.
 * Given a device profile, the writer picks every weighted layer's format itself: the one the
 * profile's cost model prices cheapest over all modes among those the layer's masks allow
 * (cost/choose-format.ts); the spec's `format` is then ignored.
 */
import { EveError } from '../errors/eve-error.js';
import { crc32 } from './crc32.js';
import { encodeInt8Layer, type Int8Encoded } from './int8-section.js';
import type { Conv2dLayerSpec, DenseLayerSpec, LayerSpec, ModelSpec } from './model-spec.js';
import { BLOCK, keepIsBlockUniform, keepIsModeUniform } from './keep-layout.js';
import { chooseLayerFormat } from '../cost/choose-format.js';
import type { DeviceProfile, Dtype } from '../cost/device-profile.js';
import { DtypeCode, EVE_MAGIC, EVE_VERSION, FormatCode, LayerKind, MAX_LAYERS, MAX_MODES, MAX_NAME_BYTES } from './package-types.js';

const utf8 = new TextEncoder();

class ByteSink {
  private chunks: number[] = [];
  private scratch = new DataView(new ArrayBuffer(4));
  get length() { return this.chunks.length; }
  u8(v: number) { this.chunks.push(v & 0xff); }
  u16(v: number) { this.scratch.setUint16(0, v, true); this.chunks.push(this.scratch.getUint8(0), this.scratch.getUint8(1)); }
  u32(v: number) { this.scratch.setUint32(0, v >>> 0, true); for (let i = 0; i < 4; i++) this.chunks.push(this.scratch.getUint8(i)); }
  name(s: string, what: string) {
    const b = utf8.encode(s);
    if (b.length > MAX_NAME_BYTES) throw new EveError('PKG_WRITE_NAME', `${what} '${s}' is longer than ${MAX_NAME_BYTES} bytes`);
    this.u8(b.length);
    for (const x of b) this.chunks.push(x);
  }
  bytes() { return Uint8Array.from(this.chunks); }
}

interface EncodedDense {
  spec: DenseLayerSpec;
  values: Float32Array;
  columns: Uint16Array;
  rowStarts: Uint32Array;
  rowEnds: Uint32Array;
}

/** Orders each row's kept weights by the sparsest mode that keeps them, densest-only last. */
function encodeDense(l: DenseLayerSpec, modes: number, index: number): EncodedDense {
  const { inFeatures: cols, outFeatures: rows } = l;
  if (l.weights.length !== rows * cols || l.keep.length !== rows * cols || l.bias.length !== rows) {
    throw new EveError('PKG_WRITE_SHAPE', `layer ${index}: weights/keep/bias sizes do not match ${rows}x${cols}`);
  }
  if (cols > 0xffff) throw new EveError('PKG_WRITE_SHAPE', `layer ${index}: ${cols} inputs exceed the u16 column index`);
  for (let i = 0; i < l.keep.length; i++) {
    if (l.keep[i]! < -1 || l.keep[i]! >= modes) throw new EveError('PKG_WRITE_KEEP', `layer ${index}: keep[${i}]=${l.keep[i]} is not in -1..${modes - 1}`);
  }
  if (l.format === 'dense') {
    if (!keepIsModeUniform(l.keep, modes)) {
      throw new EveError('PKG_WRITE_FORMAT', `layer ${index}: a dense-format layer must use the same weights in every mode`);
    }
    const values = Float32Array.from(l.weights, (w, i) => (l.keep[i] === -1 ? 0 : w));
    return { spec: l, values, columns: new Uint16Array(0), rowStarts: new Uint32Array(0), rowEnds: new Uint32Array(0) };
  }
  if (l.format === 'block1x4') return encodeBlocks(l, modes, index);
  const rowStarts = new Uint32Array(rows + 1);
  const stored: number[] = [];
  const rowEnds = new Uint32Array(modes * rows);
  for (let r = 0; r < rows; r++) {
    rowStarts[r] = stored.length;
    for (let tier = modes - 1; tier >= 0; tier--) {
      for (let c = 0; c < cols; c++) if (l.keep[r * cols + c] === tier) stored.push(r * cols + c);
      // after appending every weight kept up to mode `tier`, the prefix so far is mode tier's row
      rowEnds[tier * rows + r] = stored.length;
    }
  }
  rowStarts[rows] = stored.length;
  const values = new Float32Array(stored.length);
  const columns = new Uint16Array(stored.length);
  stored.forEach((flat, i) => { values[i] = l.weights[flat]!; columns[i] = flat % cols; });
  return { spec: l, values, columns, rowStarts, rowEnds };
}

/** Like the row-prefix encoding, in units of aligned 1x4 blocks (each block's keep is its first weight's). */
function encodeBlocks(l: DenseLayerSpec, modes: number, index: number): EncodedDense {
  const { inFeatures: cols, outFeatures: rows } = l;
  if (!keepIsBlockUniform(l.keep, cols)) {
    throw new EveError('PKG_WRITE_FORMAT', `layer ${index}: a block1x4 layer needs inputs in multiples of ${BLOCK} and one keep tier per block of ${BLOCK}`);
  }
  const perRow = cols / BLOCK;
  const rowStarts = new Uint32Array(rows + 1);
  const rowEnds = new Uint32Array(modes * rows);
  const stored: number[] = []; // flat index of each stored block's first weight
  for (let r = 0; r < rows; r++) {
    rowStarts[r] = stored.length;
    for (let tier = modes - 1; tier >= 0; tier--) {
      for (let b = 0; b < perRow; b++) if (l.keep[r * cols + b * BLOCK] === tier) stored.push(r * cols + b * BLOCK);
      rowEnds[tier * rows + r] = stored.length;
    }
  }
  rowStarts[rows] = stored.length;
  const values = new Float32Array(stored.length * BLOCK);
  const columns = new Uint16Array(stored.length);
  stored.forEach((flat, i) => { values.set(l.weights.subarray(flat, flat + BLOCK), i * BLOCK); columns[i] = flat % cols; });
  return { spec: l, values, columns, rowStarts, rowEnds };
}

/** A conv layer's weights are rows too: one per output channel, kernelH*kernelW*inChannels long. */
function convAsRows(l: Conv2dLayerSpec): DenseLayerSpec {
  return { kind: 'dense', inFeatures: l.kernelH * l.kernelW * l.input[2], outFeatures: l.outChannels, weights: l.weights, bias: l.bias, keep: l.keep, format: l.format };
}

function countNonZero(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) n++;
  return n;
}

function keptByMode(encoded: EncodedDense[], modes: number, int8: Map<EncodedDense, Int8Encoded>): number[] {
  return Array.from({ length: modes }, (_, m) =>
    encoded.reduce((sum, e) => {
      // a dense-format layer keeps its non-zero weights (an int8 one: those non-zero after rounding)
      if (e.spec.format === 'dense') return sum + countNonZero(int8.get(e)?.values ?? e.values);
      let n = 0;
      for (let r = 0; r < e.spec.outFeatures; r++) n += e.rowEnds[m * e.spec.outFeatures + r]! - e.rowStarts[r]!;
      return sum + (e.spec.format === 'block1x4' ? n * BLOCK : n);
    }, 0));
}

export interface WriteOptions {
  /** Choose every weighted layer's kernel format from this profile's cost model. */
  profile?: DeviceProfile;
  /** Number type the choice is priced for (default float32). */
  dtype?: Dtype;
}

/** The spec with each weighted layer's format chosen by the profile's cost model. */
function withChosenFormats(spec: ModelSpec, p: DeviceProfile, dtype: Dtype): ModelSpec {
  const modes = spec.modes.length;
  const layers = spec.layers.map((l): LayerSpec => {
    if (l.kind === 'dense') return { ...l, format: chooseLayerFormat(p, l.keep, { rows: l.outFeatures, cols: l.inFeatures, modes, conv: false }, dtype) };
    if (l.kind === 'conv2d') {
      const cols = l.kernelH * l.kernelW * l.input[2];
      const positions = (l.input[0] - l.kernelH + 1) * (l.input[1] - l.kernelW + 1);
      return { ...l, format: chooseLayerFormat(p, l.keep, { rows: l.outChannels, cols, modes, conv: true, positions }, dtype) };
    }
    return l;
  });
  return { ...spec, layers };
}

export function writePackage(given: ModelSpec, options: WriteOptions = {}): Uint8Array {
  const modes = given.modes.length;
  if (modes < 1 || modes > MAX_MODES) throw new EveError('PKG_WRITE_MODES', `a package has 1..${MAX_MODES} modes, got ${modes}`);
  if (given.layers.length < 1 || given.layers.length > MAX_LAYERS) throw new EveError('PKG_WRITE_LAYERS', `a package has 1..${MAX_LAYERS} layers, got ${given.layers.length}`);
  const spec = options.profile ? withChosenFormats(given, options.profile, options.dtype ?? 'float32') : given;
  const encoded = new Map<number, EncodedDense>();
  spec.layers.forEach((l: LayerSpec, i) => {
    if (l.kind === 'dense') encoded.set(i, encodeDense(l, modes, i));
    else if (l.kind === 'conv2d') encoded.set(i, encodeDense(convAsRows(l), modes, i));
  });
  const int8 = new Map<EncodedDense, Int8Encoded>();
  if (spec.numberFormat === 'int8') {
    if (spec.quant?.length !== spec.layers.length) throw new EveError('PKG_WRITE_QUANT', 'an int8 spec needs `quant` index-aligned with its layers');
    for (const [i, e] of encoded) {
      const q = spec.quant[i];
      if (!q) throw new EveError('PKG_WRITE_QUANT', `layer ${i}: an int8 spec needs its scales`);
      const starts = e.spec.format === 'dense' ? Array.from({ length: e.spec.outFeatures + 1 }, (_, r) => r * e.spec.inFeatures) : e.rowStarts;
      int8.set(e, encodeInt8Layer(e.values, starts, e.spec.bias, q, i));
    }
  }
  const kept = keptByMode([...encoded.values()], modes, int8);

  // weight region: every array 4-byte aligned
  const parts: Uint8Array[] = [];
  let regionLen = 0;
  const place = (bytes: Uint8Array): number => {
    const pad = (4 - (regionLen % 4)) % 4;
    if (pad) { parts.push(new Uint8Array(pad)); regionLen += pad; }
    const at = regionLen;
    parts.push(bytes);
    regionLen += bytes.length;
    return at;
  };
  const asBytes = (a: Float32Array | Int32Array | Int8Array | Uint16Array | Uint32Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const offsets = new Map<number, number[]>();
  for (const [i, e] of encoded) {
    const q = int8.get(e);
    offsets.set(i, [place(asBytes(q?.bias ?? e.spec.bias)), place(asBytes(q?.values ?? e.values)), place(asBytes(e.columns)), place(asBytes(e.rowStarts)), place(asBytes(e.rowEnds))]);
    if (q) offsets.get(i)!.push(place(q.scales));
  }

  const h = new ByteSink();
  EVE_MAGIC.forEach((b) => h.u8(b));
  h.u16(EVE_VERSION);
  h.u8(spec.numberFormat === 'int8' ? DtypeCode.int8 : DtypeCode.float32);
  h.u8(modes);
  h.u16(spec.layers.length);
  h.u16(spec.outputs);
  spec.input.forEach((d) => h.u16(d));
  h.name(spec.name, 'package name');
  spec.modes.forEach((m, k) => { h.name(m.name, `mode ${k} name`); h.u32(kept[k]!); });
  spec.layers.forEach((l, i) => {
    h.u8(LayerKind[l.kind as keyof typeof LayerKind]);
    const e = encoded.get(i);
    h.u8(e ? FormatCode[e.spec.format] : 0);
    if (e) {
      h.u32(e.spec.inFeatures); h.u32(e.spec.outFeatures); h.u32(e.values.length);
      offsets.get(i)!.forEach((o) => h.u32(o));
    }
    if (l.kind === 'conv2d') { l.input.forEach((d) => h.u16(d)); h.u16(l.kernelH); h.u16(l.kernelW); }
    if (l.kind === 'maxpool') { l.input.forEach((d) => h.u16(d)); h.u16(l.size); }
  });
  h.u32(regionLen);
  while ((h.length % 4) !== 0) h.u8(0);
  const header = h.bytes();
  const out = new Uint8Array(header.length + regionLen + 4);
  out.set(header, 0);
  let at = header.length;
  for (const p of parts) { out.set(p, at); at += p.length; }
  new DataView(out.buffer).setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}
