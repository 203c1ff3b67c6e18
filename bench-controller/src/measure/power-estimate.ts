/** Mean power from a set of supply readings, with the variance of that mean. */
import { EveError } from '@eve-bench/device-agent';
import type { Reading } from './readback-stream.js';

export interface PowerEstimate {
  count: number;
  meanW: number;
  /** Variance of meanW (sample variance of V·I over count); Infinity with fewer than 2 readings. */
  varianceOfMeanW: number;
}

export function meanPower(readings: readonly Reading[]): PowerEstimate {
  const n = readings.length;
  if (n === 0) {
    throw new EveError('MEASURE_NO_READINGS', 'the supply gave no readings during a window: make the window longer than the readback interval');
  }
  let sum = 0, sumSq = 0;
  for (const r of readings) {
    const p = r.voltageV * r.currentA;
    if (!Number.isFinite(p)) throw new EveError('MEASURE_BAD_READING', `supply reading ${JSON.stringify(r)} is not a number`);
    sum += p;
    sumSq += p * p;
  }
  const meanW = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * meanW * meanW) / (n - 1)) : Infinity;
  return { count: n, meanW, varianceOfMeanW: variance / n };
}

/** Mean current of a set of readings, with the variance of that mean. */
export function meanCurrent(readings: readonly Reading[]): { mean: number; varianceOfMean: number } {
  const p = meanPower(readings.map((r) => ({ voltageV: 1, currentA: r.currentA })));
  return { mean: p.meanW, varianceOfMean: p.varianceOfMeanW };
}
