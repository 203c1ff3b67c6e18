/**
 * The int8 number format's part of the `.eve` layout. An int8 package (header dtype 1) stores, for
 * each dense/conv2d layer, int8 `values` in the same order as float32 ones (so every mode is
 * still a prefix of each row), an int32 bias, and a scales section the layer entry points to:
 *   inScale f32, outScale f32, weightScale f32[rows], multiplier i32[rows], shift i32[rows]
 * Arithmetic in ../quant/fixed-point.ts.
 */
import { EveError } from '../errors/eve-error.js';
import { MAX_ABS_BIAS, quantizeMultiplier } from '../quant/fixed-point.js';
import type { LayerQuant } from './model-spec.js';

export interface Int8Encoded {
  values: Int8Array;
  bias: Int32Array;
  scales: Uint8Array;
}

/** Bytes of a layer's scales section. */
export function scalesBytes(rows: number): number {
  return 8 + 12 * rows;
}

/**
 * Quantizes one layer's stored float values row by row. `rowStarts` has rows+1 offsets into
 * `values` (a dense layer's rows are r*cols .. (r+1)*cols).
 */
export function encodeInt8Layer(values: Float32Array, rowStarts: ArrayLike<number>, bias: Float32Array, q: LayerQuant, index: number): Int8Encoded {
  const rows = bias.length;
  if (!(q.inScale > 0) || !(q.outScale > 0) || !Number.isFinite(q.inScale) || !Number.isFinite(q.outScale)) {
    throw new EveError('PKG_WRITE_QUANT', `layer ${index}: scales must be positive and finite (in ${q.inScale}, out ${q.outScale})`);
  }
  const out = new Int8Array(values.length);
  const biasQ = new Int32Array(rows);
  const scales = new Uint8Array(scalesBytes(rows));
  const dv = new DataView(scales.buffer);
  dv.setFloat32(0, q.inScale, true);
  dv.setFloat32(4, q.outScale, true);
  for (let r = 0; r < rows; r++) {
    const [s, e] = [rowStarts[r]!, rowStarts[r + 1]!];
    let max = 0;
    for (let i = s; i < e; i++) max = Math.max(max, Math.abs(values[i]!));
    // an all-zero row only outputs its bias: any weight scale works, 1 keeps the bias in range
    const ws = Math.fround(max > 0 ? max / 127 : 1);
    for (let i = s; i < e; i++) out[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / ws)));
    const b = Math.round(bias[r]! / (ws * q.inScale));
    if (!(Math.abs(b) <= MAX_ABS_BIAS)) throw new EveError('PKG_WRITE_QUANT', `layer ${index} row ${r}: bias ${bias[r]} is ${b} input steps, beyond ±2^30`);
    biasQ[r] = b;
    const { multiplier, shift } = quantizeMultiplier((ws * q.inScale) / q.outScale);
    dv.setFloat32(8 + 4 * r, ws, true);
    dv.setInt32(8 + 4 * rows + 4 * r, multiplier, true);
    dv.setInt32(8 + 8 * rows + 4 * r, shift, true);
  }
  return { values: out, bias: biasQ, scales };
}
