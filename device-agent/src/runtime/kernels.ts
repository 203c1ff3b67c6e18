/**
 * Float32 kernels for fully-connected layers. Both get the same care — typed arrays, no
 * allocation per call, 4-way unrolled inner loops with independent accumulators — so a sparse
 * speedup is measured against our best dense kernel, not a strawman. `relu` fuses a following
 * ReLU into the output store (extraction then skips the ReLU layer).
 */

/** y = W x + b, W row-major [rows][cols]. */
export function denseF32(w: Float32Array, bias: Float32Array, x: Float32Array, y: Float32Array, rows: number, cols: number, relu: boolean): void {
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
    const v = bias[r]! + ((a0 + a1) + (a2 + a3));
    y[r] = relu && v < 0 ? 0 : v;
  }
}

/**
 * Row-prefix sparse: row r uses stored entries rowStarts[r] .. ends[endsAt + r] (the mode's
 * prefix), each a (value, column) pair. `endsAt` selects the mode's slice of the row ends.
 */
export function rowPrefixSparseF32(
  values: Float32Array, columns: Uint16Array, rowStarts: Uint32Array, ends: Uint32Array, endsAt: number,
  bias: Float32Array, x: Float32Array, y: Float32Array, rows: number, relu: boolean,
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
    const v = bias[r]! + ((a0 + a1) + (a2 + a3));
    y[r] = relu && v < 0 ? 0 : v;
  }
}

/**
 * 1x4 block-sparse: row r uses blocks rowStarts[r] .. ends[endsAt + r] (the mode's prefix), each
 * four consecutive weights starting at column columns[b]. One index per four MACs, and the four
 * activations are contiguous, which is what makes it cheaper than row-prefix sparse per weight.
 */
export function block1x4F32(
  values: Float32Array, columns: Uint16Array, rowStarts: Uint32Array, ends: Uint32Array, endsAt: number,
  bias: Float32Array, x: Float32Array, y: Float32Array, rows: number, relu: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const end = ends[endsAt + r]!;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let b = rowStarts[r]!; b < end; b++) {
      const c = columns[b]!;
      const v = b << 2;
      a0 += values[v]! * x[c]!;
      a1 += values[v + 1]! * x[c + 1]!;
      a2 += values[v + 2]! * x[c + 2]!;
      a3 += values[v + 3]! * x[c + 3]!;
    }
    const v = bias[r]! + ((a0 + a1) + (a2 + a3));
    y[r] = relu && v < 0 ? 0 : v;
  }
}

export function reluInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = 0;
}

export function softmaxInPlace(x: Float32Array): void {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i]! > max) max = x[i]!;
  let sum = 0;
  for (let i = 0; i < x.length; i++) { x[i] = Math.exp(x[i]! - max); sum += x[i]!; }
  for (let i = 0; i < x.length; i++) x[i] = x[i]! / sum;
}

export function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}
