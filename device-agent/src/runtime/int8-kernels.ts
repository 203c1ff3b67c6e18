/**
 * int8 kernels (number format in ../quant/fixed-point.ts): int8 weights and activations, int32
 * accumulation, per-row fixed-point requantization. Same care as the float32 kernels — typed
 * arrays, no allocation per call, 4-way unrolled rows with independent accumulators (sums of
 * int8 products stay small integers, so V8 keeps them in int32 registers) — so the sparse
 * speedup is against our best dense int8 kernel. The generated C (../export-c/) mirrors these.
 * A following ReLU is fused into the saturation: `lo` is the lower bound, -128, or 0 with ReLU
 * (relu(sat8(v)) = clamp(v, 0, 127), so fused and unfused outputs are the same bits).
 */
import { requantize } from '../quant/fixed-point.js';
import type { ConvGeometry } from './conv-kernels.js';

/** A layer's integer parameters: int32 bias and per-row requantization. */
export interface Int8Row {
  bias: Int32Array;
  multiplier: Int32Array;
  shift: Int32Array;
}

/** The output clamp's lower bound: -128, or 0 when a ReLU is fused. */
export function int8Floor(relu: boolean): number {
  return relu ? 0 : -128;
}

function finish(acc: number, p: Int8Row, r: number, lo: number): number {
  const v = requantize(acc + p.bias[r]!, p.multiplier[r]!, p.shift[r]!);
  return v > 127 ? 127 : v < lo ? lo : v;
}

export function denseI8(w: Int8Array, p: Int8Row, x: Int8Array, y: Int8Array, rows: number, cols: number, lo: number): void {
  const tail = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    let c = 0;
    for (; c < tail; c += 4) {
      a0 += w[base + c]! * x[c]!;
      a1 += w[base + c + 1]! * x[c + 1]!;
      a2 += w[base + c + 2]! * x[c + 2]!;
      a3 += w[base + c + 3]! * x[c + 3]!;
    }
    for (; c < cols; c++) a0 += w[base + c]! * x[c]!;
    y[r] = finish((a0 + a1) + (a2 + a3), p, r, lo);
  }
}

/** Row r uses stored entries rowStarts[r] .. ends[endsAt + r] (the mode's prefix of the row). */
export function rowPrefixSparseI8(
  values: Int8Array, columns: Uint16Array, rowStarts: Uint32Array, ends: Uint32Array, endsAt: number,
  p: Int8Row, x: Int8Array, y: Int8Array, rows: number, lo: number,
): void {
  for (let r = 0; r < rows; r++) {
    let i = rowStarts[r]!;
    const end = ends[endsAt + r]!;
    const tail = end - ((end - i) & 3);
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (; i < tail; i += 4) {
      a0 += values[i]! * x[columns[i]!]!;
      a1 += values[i + 1]! * x[columns[i + 1]!]!;
      a2 += values[i + 2]! * x[columns[i + 2]!]!;
      a3 += values[i + 3]! * x[columns[i + 3]!]!;
    }
    for (; i < end; i++) a0 += values[i]! * x[columns[i]!]!;
    y[r] = finish((a0 + a1) + (a2 + a3), p, r, lo);
  }
}

/**
 * Dense conv: kernelH contiguous dot products per output, no index (see conv-kernels.ts). The loop
 * nest mirrors the float32 one on purpose: one function over both array types would make V8's
 * element loads polymorphic in the hottest loop, which is what the int8 path exists to avoid.
 */
export function convDenseI8(w: Int8Array, p: Int8Row, x: Int8Array, y: Int8Array, g: ConvGeometry, lo: number): void {
  const { inW, inC, outH, outW, outC, cols, kernelH } = g;
  const span = cols / kernelH;
  const stride = inW * inC;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const base = (oy * inW + ox) * inC;
      const o = (oy * outW + ox) * outC;
      let wi = 0;
      for (let r = 0; r < outC; r++) {
        let a0 = 0, a1 = 0;
        let xi = base;
        for (let ky = 0; ky < kernelH; ky++, xi += stride) {
          const end = wi + span;
          let k = xi;
          for (; wi + 1 < end; wi += 2, k += 2) {
            a0 += w[wi]! * x[k]!;
            a1 += w[wi + 1]! * x[k + 1]!;
          }
          if (wi < end) a0 += w[wi++]! * x[k]!;
        }
        y[o + r] = finish(a0 + a1, p, r, lo);
      }
    }
  }
}

/** Row-prefix sparse conv: a gather-MAC through each kept weight's tap (see conv-kernels.ts). */
export function convRowPrefixSparseI8(
  values: Int8Array, taps: Int32Array, rowStarts: Uint32Array, ends: Uint32Array, endsAt: number,
  p: Int8Row, x: Int8Array, y: Int8Array, g: ConvGeometry, lo: number,
): void {
  const { inW, inC, outH, outW, outC } = g;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const base = (oy * inW + ox) * inC;
      const o = (oy * outW + ox) * outC;
      for (let r = 0; r < outC; r++) {
        let a0 = 0, a1 = 0;
        let i = rowStarts[r]!;
        const end = ends[endsAt + r]!;
        for (; i + 1 < end; i += 2) {
          a0 += values[i]! * x[base + taps[i]!]!;
          a1 += values[i + 1]! * x[base + taps[i + 1]!]!;
        }
        if (i < end) a0 += values[i]! * x[base + taps[i]!]!;
        y[o + r] = finish(a0 + a1, p, r, lo);
      }
    }
  }
}

export function maxPoolI8(x: Int8Array, y: Int8Array, inW: number, c: number, size: number, outH: number, outW: number): void {
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let m = -128;
        for (let dy = 0; dy < size; dy++) {
          for (let dx = 0; dx < size; dx++) {
            const v = x[((oy * size + dy) * inW + (ox * size + dx)) * c + ch]!;
            if (v > m) m = v;
          }
        }
        y[(oy * outW + ox) * c + ch] = m;
      }
    }
  }
}

export function reluI8InPlace(x: Int8Array): void {
  for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = 0;
}

/** First index of the largest value. */
export function argmaxI8(x: Int8Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}
