/**
 * The per-layer kernel-format choice the package writer records: among the formats a layer's
 * nested masks can be stored in (format/keep-layout.ts), the one whose cycles, summed over every
 * mode, the profile's cost model prices lowest. Dense wins at low sparsity because its MACs need
 * no index; the sparse formats win once they skip enough weights to pay for theirs.
 */
import type { KernelFormat } from '../format/model-spec.js';
import { keptPerMode, storableFormats } from '../format/keep-layout.js';
import type { DeviceProfile, Dtype } from './device-profile.js';
import { macCost } from './cost-model.js';

export interface LayerShape {
  /** Rows of the weight matrix (outputs; conv: output channels). */
  rows: number;
  /** Weights per row. */
  cols: number;
  modes: number;
  conv: boolean;
  /** Conv: output positions each row is evaluated at (default 1). */
  positions?: number;
}

/** Cycles of one inference of each mode with `format`, given the weights each mode keeps. */
export function formatCycles(p: DeviceProfile, format: KernelFormat, s: LayerShape, kept: number[], dtype: Dtype = 'float32'): number[] {
  const rowCost = s.rows * (s.positions ?? 1) * p.cycles.perRow;
  const perPosition = (k: number) => (format === 'dense' ? s.rows * s.cols : k) * macCost(p, format, dtype);
  return kept.map((k) => rowCost + perPosition(k) * (s.positions ?? 1));
}

export function chooseLayerFormat(p: DeviceProfile, keep: Int8Array, s: LayerShape, dtype: Dtype = 'float32'): KernelFormat {
  const kept = keptPerMode(keep, s.modes);
  let best: KernelFormat = 'rowPrefixSparse';
  let bestCycles = Infinity;
  for (const f of storableFormats(keep, s.cols, s.modes, s.conv)) {
    const total = formatCycles(p, f, s, kept, dtype).reduce((a, b) => a + b, 0);
    if (total < bestCycles) { best = f; bestCycles = total; }
  }
  return best;
}


