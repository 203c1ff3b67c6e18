/** Host timing for the benches: calls per sample grow until a sample lasts `minMs`; medians of interleaved samples. */
export function timePerCall(fn: () => void, minMs = 40): number {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs) return dt / n;
    n *= 2;
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((s, v) => s + Math.log(v), 0) / xs.length);
}
