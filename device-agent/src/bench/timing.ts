/**
 * Host timing for the benchmarks: calls per sample doubled until a sample lasts `minMs`, medians
 * of interleaved repetitions. The clock is a parameter: wall time, or this process's CPU time
 * (user + system), which on a shared machine leaves out the time other jobs hold the cores — the
 * device-agent bench times single-threaded kernels with it.
 */
export type ClockMs = () => number;

export const wallClockMs: ClockMs = () => performance.now();

export const cpuClockMs: ClockMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function timePerCall(fn: () => void, minMs = 40, clock: ClockMs = wallClockMs): number {
  let n = 1;
  for (;;) {
    const t0 = clock();
    for (let i = 0; i < n; i++) fn();
    const dt = clock() - t0;
    if (dt >= minMs) return dt / n;
    n *= 2;
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median ms per call of each function, repetitions interleaved so drift hits all alike. */
export function interleavedMedians(fns: Array<() => void>, reps = 9, clock: ClockMs = wallClockMs): number[] {
  const t: number[][] = fns.map(() => []);
  for (let r = 0; r < reps; r++) fns.forEach((fn, k) => t[k]!.push(timePerCall(fn, 40, clock)));
  return t.map(median);
}

export function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((s, v) => s + Math.log(v), 0) / xs.length);
}
