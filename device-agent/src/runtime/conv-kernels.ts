/**
 * Float32 kernels for 2-D convolution (stride 1, 'valid', HWC) and max pooling. A conv layer's
 * weights are rows (one per output channel) of kernelH*kernelW*inChannels columns.
 *
 * Row-prefix sparse: every kept weight carries its tap — its input offset from the window's
 * corner, computed once per package (`convTaps`) — so the inner loop is the fully-connected
 * sparse kernel's gather-MAC, `values[i] * x[base + taps[i]]`. Dense: in HWC a kernel row's
 * kernelW*inC inputs are contiguous, so each output is kernelH contiguous dot products, streamed
 * with no index, as the generated C does. Both are 2-way unrolled (in V8 this measured faster
 * than 4-way over these short rows, and than a flat loop through a column -> offset table) and
 * fuse a following ReLU into the output store; nothing is allocated per call.
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

/** The tap (input offset from the window's corner) of every stored weight, aligned with `columns`. */
export function convTaps(columns: Uint16Array, inW: number, inC: number, kernelH: number, kernelW: number): Int32Array {
  const off = convOffsets(inW, inC, kernelH, kernelW);
  return Int32Array.from(columns, (c) => off[c]!);
}

export interface ConvGeometry {
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  /** Weights per output channel: kernelH * kernelW * inC. */
  cols: number;
  kernelH: number;
  /** Row-prefix sparse layers: convTaps of the layer's columns. */
  taps?: Int32Array;
}

export function convDenseF32(w: Float32Array, bias: Float32Array, x: Float32Array, y: Float32Array, g: ConvGeometry, relu: boolean): void {
  const { inW, inC, outH, outW, outC, cols, kernelH } = g;
  const span = cols / kernelH; // kernelW * inC inputs, contiguous in HWC
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
        const v = bias[r]! + a0 + a1;
        y[o + r] = relu && v < 0 ? 0 : v;
      }
    }
  }
}

export function convRowPrefixSparseF32(
  values: Float32Array, taps: Int32Array, rowStarts: Uint32Array, ends: Uint32Array, endsAt: number,
  bias: Float32Array, x: Float32Array, y: Float32Array, g: ConvGeometry, relu: boolean,
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
        const v = bias[r]! + a0 + a1;
        y[o + r] = relu && v < 0 ? 0 : v;
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
