/**
 * Float32 kernels for 2-D convolution (stride 1, 'valid', HWC) and max pooling. A conv layer's
 * weights are rows (one per output channel) of kernelH*kernelW*inChannels columns; `offsets`
 * maps a column to its input offset relative to the window's corner, so dense and row-prefix
 * sparse rows run the same inner loop as the fully-connected kernels.
 */

/** offsets[col] for col = (ky * kernelW + kx) * C + ci: the input index delta of that tap. */
export function convOffsets(inW: number, inC: number, kernelH: number, kernelW: number): Int32Array {
  const off = new Int32Array(kernelH * kernelW * inC);
  for (let ky = 0; ky < kernelH; ky++) {
    for (let kx = 0; kx < kernelW; kx++) {
      for (let ci = 0; ci < inC; ci++) off[(ky * kernelW + kx) * inC + ci] = (ky * inW + kx) * inC + ci;
    }
  }
  return off;
}

export interface ConvGeometry {
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  cols: number;
  offsets: Int32Array;
}

export function convDenseF32(w: Float32Array, bias: Float32Array, x: Float32Array, y: Float32Array, g: ConvGeometry): void {
  const { inW, inC, outH, outW, outC, cols, offsets } = g;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const base = (oy * inW + ox) * inC;
      const o = (oy * outW + ox) * outC;
      for (let r = 0; r < outC; r++) {
        const wr = r * cols;
        let a0 = 0, a1 = 0;
        let c = 0;
        for (; c + 1 < cols; c += 2) {
          a0 += w[wr + c]! * x[base + offsets[c]!]!;
          a1 += w[wr + c + 1]! * x[base + offsets[c + 1]!]!;
        }
        if (c < cols) a0 += w[wr + c]! * x[base + offsets[c]!]!;
        y[o + r] = bias[r]! + a0 + a1;
      }
    }
  }
}

export function convRowPrefixSparseF32(
  values: Float32Array, columns: Uint16Array, rowStarts: Uint32Array, ends: Uint32Array, endsAt: number,
  bias: Float32Array, x: Float32Array, y: Float32Array, g: ConvGeometry,
): void {
  const { inW, inC, outH, outW, outC, offsets } = g;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const base = (oy * inW + ox) * inC;
      const o = (oy * outW + ox) * outC;
      for (let r = 0; r < outC; r++) {
        let a0 = 0, a1 = 0;
        let i = rowStarts[r]!;
        const end = ends[endsAt + r]!;
        for (; i + 1 < end; i += 2) {
          a0 += values[i]! * x[base + offsets[columns[i]!]!]!;
          a1 += values[i + 1]! * x[base + offsets[columns[i + 1]!]!]!;
        }
        if (i < end) a0 += values[i]! * x[base + offsets[columns[i]!]!]!;
        y[o + r] = bias[r]! + a0 + a1;
      }
    }
  }
}

export function maxPoolF32(x: Float32Array, y: Float32Array, inW: number, c: number, size: number, outH: number, outW: number): void {
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let m = -Infinity;
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
