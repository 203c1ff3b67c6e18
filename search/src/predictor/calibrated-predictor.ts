/**
 * A predictor calibrated on measurements: latency and energy as linear functions of what a mode
 * executes (dense MACs, sparse MACs, rows, input bytes, a constant), fitted by ridge-regularised
 * least squares to (features, measured latency, measured energy) pairs from a bench. Linear is
 * the right shape here: on an in-order MCU each operation class costs a fixed number of cycles,
 * and what a datasheet-based profile gets wrong (wait states, rail voltage, current) scales those
 * coefficients. Hand-written: a 5x5 solve does not justify a linear-algebra dependency.
 */
import { EveError, type LayerOps } from '@eve-bench/device-agent';

export const FEATURE_NAMES = ['denseMacs', 'sparseMacs', 'rows', 'inputBytes', 'constant'] as const;

export function opFeatures(ops: readonly LayerOps[], inputBytes: number): number[] {
  let dense = 0; let sparse = 0; let rows = 0;
  for (const op of ops) {
    if (op.kind !== 'dense' && op.kind !== 'conv2d') continue;
    if (op.format === 'dense') dense += op.macs; else sparse += op.macs;
    rows += op.rows;
  }
  return [dense, sparse, rows, inputBytes, 1];
}

export interface CostSample {
  features: number[];
  latencyUs: number;
  energyUj: number;
}

export interface Calibration {
  latency: number[];
  energy: number[];
  samples: number;
}

/** Solves (XᵀX + λI) w = Xᵀy by Gaussian elimination with partial pivoting, on scaled columns. */
function ridge(x: number[][], y: number[], lambda: number): number[] {
  const n = x[0]!.length;
  const scale = Array.from({ length: n }, (_, j) => Math.max(1e-12, Math.max(...x.map((r) => Math.abs(r[j]!)))));
  const a = Array.from({ length: n }, (_, i) => Array.from({ length: n + 1 }, (_, j) => {
    if (j === n) return x.reduce((s, r, k) => s + (r[i]! / scale[i]!) * y[k]!, 0);
    return x.reduce((s, r) => s + (r[i]! / scale[i]!) * (r[j]! / scale[j]!), 0) + (i === j ? lambda : 0);
  }));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    if (Math.abs(a[c]![c]!) < 1e-15) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-15 ? 0 : row[n]! / row[i]! / scale[i]!));
}

export function calibrate(samples: readonly CostSample[], lambda = 1e-9): Calibration {
  if (samples.length < FEATURE_NAMES.length) {
    throw new EveError('CALIBRATION_TOO_FEW', `calibration needs at least ${FEATURE_NAMES.length} measurements, got ${samples.length}`);
  }
  for (const s of samples) {
    if (s.features.length !== FEATURE_NAMES.length || ![...s.features, s.latencyUs, s.energyUj].every(Number.isFinite)) {
      throw new EveError('CALIBRATION_BAD_SAMPLE', `a calibration sample must have ${FEATURE_NAMES.length} finite features and finite costs`);
    }
  }
  const x = samples.map((s) => s.features);
  return { latency: ridge(x, samples.map((s) => s.latencyUs), lambda), energy: ridge(x, samples.map((s) => s.energyUj), lambda), samples: samples.length };
}

export function predictCost(c: Calibration, features: readonly number[]): { latencyUs: number; energyUj: number } {
  const dot = (w: number[]) => w.reduce((s, wi, i) => s + wi * features[i]!, 0);
  return { latencyUs: dot(c.latency), energyUj: dot(c.energy) };
}

/** Mean absolute percentage error of a calibration on held-out measurements. */
export function heldOutError(c: Calibration, heldOut: readonly CostSample[]): { latencyMape: number; energyMape: number } {
  const mape = (f: (s: CostSample) => [number, number]) =>
    heldOut.reduce((sum, s) => { const [p, y] = f(s); return sum + Math.abs(p - y) / Math.abs(y); }, 0) / Math.max(1, heldOut.length);
  return {
    latencyMape: mape((s) => [predictCost(c, s.features).latencyUs, s.latencyUs]),
    energyMape: mape((s) => [predictCost(c, s.features).energyUj, s.energyUj]),
  };
}
