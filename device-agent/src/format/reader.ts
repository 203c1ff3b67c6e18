/**
 * `.eve` v1 reader (layout in writer.ts). Every count, length, offset and index is checked
 * before it is used, so a truncated, corrupted or hostile file ends in an EveError naming the
 * field — never a crash, a hang, or an allocation larger than the file itself.
 */
import { EveError } from '../errors/eve-error.js';
import { crc32 } from './crc32.js';
import { MAX_ABS_BIAS, MAX_SHIFT, MIN_SHIFT } from '../quant/fixed-point.js';
import {
  DtypeCode, EVE_MAGIC, EVE_VERSION, FormatCode, LayerKind, MAX_LAYERS, MAX_MODES, MAX_TENSOR_ELEMENTS,
  type EvePackage, type Int8Storage, type PackageLayer, type PackageMode, type Shape3, type WeightedStorage,
} from './package-types.js';
import { BLOCK } from './keep-layout.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bad(field: string, why: string): EveError {
  return new EveError('PKG_INVALID', `.eve package: ${field}: ${why}`);
}

class Cursor {
  o = 0;
  private view: DataView;
  constructor(private b: Uint8Array, private limit: number) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(n: number, field: string) {
    if (this.o + n > this.limit) throw bad(field, `needs ${n} bytes at offset ${this.o}, header ends at ${this.limit}`);
  }
  u8(f: string) { this.need(1, f); return this.b[this.o++]!; }
  u16(f: string) { this.need(2, f); const v = this.view.getUint16(this.o, true); this.o += 2; return v; }
  u32(f: string) { this.need(4, f); const v = this.view.getUint32(this.o, true); this.o += 4; return v; }
  name(f: string) {
    const n = this.u8(`${f} length`);
    this.need(n, f);
    try {
      return utf8.decode(this.b.subarray(this.o, (this.o += n)));
    } catch {
      throw bad(f, 'is not valid UTF-8');
    }
  }
}

export function readPackage(input: Uint8Array): EvePackage {
  if (input.length < 32) throw bad('file', `${input.length} bytes is shorter than any package`);
  // One aligned copy at load, if the caller's bytes are misaligned, so weights can be viewed as
  // Float32Array without copying again; extraction is then copy-free.
  const b = input.byteOffset % 4 === 0 ? input : input.slice();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const body = b.length - 4;
  const carried = dv.getUint32(body, true);
  const computed = crc32(b.subarray(0, body));
  if (carried !== computed) throw new EveError('PKG_CRC', `.eve package: CRC mismatch (file says 0x${carried.toString(16)}, contents give 0x${computed.toString(16)})`);

  const c = new Cursor(b, body);
  for (let i = 0; i < 4; i++) if (c.u8('magic') !== EVE_MAGIC[i]) throw bad('magic', 'not an .eve package');
  const version = c.u16('version');
  if (version !== EVE_VERSION) throw bad('version', `${version} is not supported (this reader knows ${EVE_VERSION})`);
  const dtype = c.u8('dtype');
  if (dtype !== DtypeCode.float32 && dtype !== DtypeCode.int8) throw bad('dtype', `${dtype} is not supported (0 = float32, 1 = int8)`);
  const int8 = dtype === DtypeCode.int8;
  const modeCount = c.u8('modeCount');
  if (modeCount < 1 || modeCount > MAX_MODES) throw bad('modeCount', `${modeCount} is not in 1..${MAX_MODES}`);
  const layerCount = c.u16('layerCount');
  if (layerCount < 1 || layerCount > MAX_LAYERS) throw bad('layerCount', `${layerCount} is not in 1..${MAX_LAYERS}`);
  const outputs = c.u16('outputs');
  const input3 = [c.u16('input.height'), c.u16('input.width'), c.u16('input.channels')] as const;
  if (input3.some((d) => d === 0)) throw bad('input', `shape ${input3.join('x')} has a zero dimension`);
  if (input3[0] * input3[1] * input3[2] > MAX_TENSOR_ELEMENTS) throw bad('input', `shape ${input3.join('x')} exceeds ${MAX_TENSOR_ELEMENTS} elements`);
  const name = c.name('name');
  const modeHeads = Array.from({ length: modeCount }, (_, k) => ({ name: c.name(`modes[${k}].name`), kept: c.u32(`modes[${k}].keptWeights`) }));

  type Raw = { kind: number; format: number; dims?: number[]; geom?: number[] };
  const raws: Raw[] = [];
  for (let i = 0; i < layerCount; i++) {
    const kind = c.u8(`layers[${i}].kind`);
    const format = c.u8(`layers[${i}].format`);
    if (kind === LayerKind.dense || kind === LayerKind.conv2d) {
      const dims = ['inFeatures', 'outFeatures', 'storedWeights', 'biasOffset', 'valuesOffset', 'columnsOffset', 'rowStartsOffset', 'rowEndsOffset', ...(int8 ? ['scalesOffset'] : [])]
        .map((f) => c.u32(`layers[${i}].${f}`));
      const geom = kind === LayerKind.conv2d ? ['input.height', 'input.width', 'input.channels', 'kernelH', 'kernelW'].map((f) => c.u16(`layers[${i}].${f}`)) : undefined;
      raws.push({ kind, format, dims, geom });
    } else if (kind === LayerKind.maxpool) {
      raws.push({ kind, format, geom: ['input.height', 'input.width', 'input.channels', 'size'].map((f) => c.u16(`layers[${i}].${f}`)) });
    } else if (kind === LayerKind.relu || kind === LayerKind.flatten || kind === LayerKind.softmax) {
      raws.push({ kind, format });
    } else {
      throw bad(`layers[${i}].kind`, `${kind} is not a known layer kind`);
    }
  }
  const regionLen = c.u32('weightRegion.length');
  c.o = (c.o + 3) & ~3;
  const regionStart = c.o;
  if (regionStart + regionLen !== body) throw bad('weightRegion.length', `${regionLen} bytes at ${regionStart} does not end at the CRC (${body})`);

  const view = <T>(ctor: { new (buf: ArrayBufferLike, off: number, len: number): T; BYTES_PER_ELEMENT: number }, off: number, count: number, field: string): T => {
    const bytes = count * ctor.BYTES_PER_ELEMENT;
    if (off % ctor.BYTES_PER_ELEMENT !== 0) throw bad(field, `offset ${off} is not aligned to ${ctor.BYTES_PER_ELEMENT}`);
    if (!Number.isSafeInteger(bytes) || off > regionLen || bytes > regionLen - off) throw bad(field, `${count} elements at ${off} overrun the ${regionLen}-byte weight region`);
    return new ctor(b.buffer, b.byteOffset + regionStart + off, count);
  };

  let shape: Shape3 = input3;
  const size = (x: Shape3) => x[0] * x[1] * x[2];
  let totalPrunable = 0;
  const keptCheck = new Array<number>(modeCount).fill(0);
  const sameShape = (a: readonly number[], b: Shape3) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
  const layers: PackageLayer[] = raws.map((r, i): PackageLayer => {
    const layer = parseLayer(r, i);
    // activations are what extraction allocates: bound them so a header cannot demand gigabytes
    if (size(shape) > MAX_TENSOR_ELEMENTS) throw bad(`layers[${i}].output`, `${shape.join('x')} exceeds ${MAX_TENSOR_ELEMENTS} elements`);
    return layer;
  });
  /** An int8 layer's weights, bias and scales section (format/int8-section.ts), bounded so |acc| < 2^31. */
  function int8Storage(f: string, biasOff: number, valOff: number, scalesOff: number, stored: number, rows: number): Int8Storage {
    const values = view(Int8Array, valOff, stored, `${f}.values`);
    const bias = view(Int32Array, biasOff, rows, `${f}.bias`);
    for (let j = 0; j < rows; j++) if (Math.abs(bias[j]!) > MAX_ABS_BIAS) throw bad(`${f}.bias[${j}]`, `${bias[j]} exceeds ±2^30`);
    const floats = view(Float32Array, scalesOff, 2 + rows, `${f}.scales`);
    const multiplier = view(Int32Array, scalesOff + 8 + 4 * rows, rows, `${f}.multiplier`);
    const shift = view(Int32Array, scalesOff + 8 + 8 * rows, rows, `${f}.shift`);
    for (let j = 0; j < floats.length; j++) if (!(floats[j]! > 0 && floats[j]! < Infinity)) throw bad(`${f}.scales[${j}]`, `${floats[j]} is not a positive finite scale`);
    for (let j = 0; j < rows; j++) {
      if (multiplier[j]! < 0) throw bad(`${f}.multiplier[${j}]`, `${multiplier[j]} is negative`);
      if (shift[j]! < MIN_SHIFT || shift[j]! > MAX_SHIFT) throw bad(`${f}.shift[${j}]`, `${shift[j]} is not in ${MIN_SHIFT}..${MAX_SHIFT}`);
    }
    return { values, bias, inScale: floats[0]!, outScale: floats[1]!, weightScales: floats.subarray(2), multiplier, shift };
  }
  function parseLayer(r: Raw, i: number): PackageLayer {
    const f = `layers[${i}]`;
    if (r.kind === LayerKind.maxpool) {
      const [h, w, ch, k] = r.geom! as [number, number, number, number];
      if (!sameShape([h, w, ch], shape)) throw bad(`${f}.input`, `${h}x${w}x${ch} does not match the ${shape.join('x')} arriving`);
      if (k < 1 || k > h || k > w) throw bad(`${f}.size`, `${k} does not fit a ${h}x${w} input`);
      const output: Shape3 = [Math.floor(h / k), Math.floor(w / k), ch];
      shape = output;
      return { kind: 'maxpool', input: [h, w, ch], size: k, output };
    }
    if (r.kind !== LayerKind.dense && r.kind !== LayerKind.conv2d) {
      const kind = r.kind === LayerKind.relu ? 'relu' : r.kind === LayerKind.flatten ? 'flatten' : 'softmax';
      if (kind === 'flatten') shape = [1, 1, size(shape)];
      return { kind };
    }
    const [inF, outF, stored, biasOff, valOff, colOff, rsOff, reOff, scalesOff] = r.dims! as [number, number, number, number, number, number, number, number, number];
    let conv: { input: Shape3; kernelH: number; kernelW: number; output: Shape3 } | undefined;
    if (r.kind === LayerKind.conv2d) {
      const [h, w, ch, kh, kw] = r.geom! as [number, number, number, number, number];
      if (!sameShape([h, w, ch], shape)) throw bad(`${f}.input`, `${h}x${w}x${ch} does not match the ${shape.join('x')} arriving`);
      if (kh < 1 || kw < 1 || kh > h || kw > w) throw bad(`${f}.kernel`, `${kh}x${kw} does not fit a ${h}x${w} input`);
      if (inF !== kh * kw * ch) throw bad(`${f}.inFeatures`, `${inF} is not kernelH*kernelW*inChannels = ${kh * kw * ch}`);
      conv = { input: [h, w, ch], kernelH: kh, kernelW: kw, output: [h - kh + 1, w - kw + 1, outF] };
    } else if (inF !== size(shape)) {
      throw bad(`${f}.inFeatures`, `${inF} does not match the ${size(shape)} features arriving`);
    }
    if (outF < 1 || inF < 1 || outF > 0xffff) throw bad(f, `has an unusable ${outF}x${inF} weight matrix`);
    const bias = int8 ? new Float32Array(0) : view(Float32Array, biasOff, outF, `${f}.bias`);
    const values = int8 ? new Float32Array(0) : view(Float32Array, valOff, stored, `${f}.values`);
    // int8 rows of at most 65,535 weights keep |acc| < 2^31 (quant/fixed-point.ts)
    if (int8 && inF > 0xffff) throw bad(`${f}.inFeatures`, `${inF} exceeds the 65535 weights an int8 row may have`);
    const q = int8 ? int8Storage(f, biasOff, valOff, scalesOff, stored, outF) : undefined;
    let storage: WeightedStorage;
    if (r.format === FormatCode.dense) {
      if (stored !== inF * outF) throw bad(`${f}.storedWeights`, `${stored} is not ${outF}x${inF} for a dense-format layer`);
      storage = { format: 'dense', inFeatures: inF, outFeatures: outF, bias, values, columns: new Uint16Array(0), rowStarts: new Uint32Array(0), rowEnds: new Uint32Array(0) };
      let nz = 0;
      const weights = q?.values ?? values;
      for (let j = 0; j < weights.length; j++) if (weights[j] !== 0) nz++;
      for (let m = 0; m < modeCount; m++) keptCheck[m]! += nz;
    } else if (r.format === FormatCode.rowPrefixSparse || r.format === FormatCode.block1x4) {
      // row-prefix entries are single weights; block1x4 entries are aligned runs of BLOCK weights
      const unit = r.format === FormatCode.block1x4 ? BLOCK : 1;
      if (unit > 1 && conv) throw bad(`${f}.format`, 'block1x4 is for fully-connected layers');
      if (stored > inF * outF) throw bad(`${f}.storedWeights`, `${stored} is more than the ${outF}x${inF} matrix holds`);
      if (unit > 1 && int8) throw bad(`${f}.format`, 'block1x4 has no int8 kernel; int8 layers are dense or rowPrefixSparse');
      if (unit > 1 && (stored % unit !== 0 || inF % unit !== 0)) throw bad(`${f}.storedWeights`, `${stored} weights of ${inF}-input rows do not split into blocks of ${unit}`);
      const entries = stored / unit;
      const columns = view(Uint16Array, colOff, entries, `${f}.columns`);
      const rowStarts = view(Uint32Array, rsOff, outF + 1, `${f}.rowStarts`);
      const rowEnds = view(Uint32Array, reOff, outF * modeCount, `${f}.rowEnds`);
      for (let j = 0; j < entries; j++) {
        if (columns[j]! % unit !== 0 || columns[j]! + unit > inF) {
          throw bad(`${f}.columns[${j}]`, unit === 1 ? `${columns[j]} is not below inFeatures ${inF}` : `${columns[j]} does not start a block of ${unit} within inFeatures ${inF}`);
        }
      }
      if (rowStarts[0] !== 0 || rowStarts[outF] !== entries) throw bad(`${f}.rowStarts`, 'must run from 0 to the stored entries');
      for (let row = 0; row < outF; row++) {
        const st = rowStarts[row]!; const e = rowStarts[row + 1]!;
        if (e < st || (e - st) * unit > inF) throw bad(`${f}.rowStarts[${row}]`, `row ${st}..${e} is not a valid row of ${inF}`);
        let prev = st;
        for (let m = modeCount - 1; m >= 0; m--) {
          const end = rowEnds[m * outF + row]!;
          if (end < prev || end > e) throw bad(`${f}.rowEnds[${m}][${row}]`, `${end} is outside ${prev}..${e} (modes must nest)`);
          prev = end;
          keptCheck[m]! += (end - st) * unit;
        }
      }
      storage = { format: unit > 1 ? 'block1x4' : 'rowPrefixSparse', inFeatures: inF, outFeatures: outF, bias, values, columns, rowStarts, rowEnds };
    } else {
      throw bad(`${f}.format`, `${r.format} is not a known kernel format`);
    }
    if (q) storage.int8 = q;
    totalPrunable += inF * outF;
    if (conv) {
      shape = conv.output;
      return { kind: 'conv2d', ...storage, ...conv };
    }
    shape = [1, 1, outF];
    return { kind: 'dense', ...storage };
  }
  const features = size(shape);
  if (features !== outputs) throw bad('outputs', `${outputs} does not match the last layer's ${features}`);
  const modes: PackageMode[] = modeHeads.map((m, k) => {
    if (m.kept !== keptCheck[k]) throw bad(`modes[${k}].keptWeights`, `${m.kept} does not match the ${keptCheck[k]} weights the layers keep`);
    return { name: m.name, keptWeights: m.kept, sparsity: totalPrunable ? 1 - m.kept / totalPrunable : 0 };
  });
  return { version, name, dtype: int8 ? 'int8' : 'float32', input: input3, outputs, modes, layers, buffer: b, stats: { packageBytes: b.length, weightRegionBytes: regionLen } };
}
