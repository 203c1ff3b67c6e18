/**
 * A candidate: one family of nested modes and how the device runs it. The sparsities are the
 * model; granularity, kernel format, number format and the mode policy are the implementation
 * the search explores with it (co-exploration). Fields other than `sparsity` are optional so
 * that a sparsity-only candidate means what it always did: unstructured, sparse kernels,
 * float32, the objective's policy.
 */
import type { KernelFormat, NumberFormat, PolicyOptions } from '@eve-bench/device-agent';

/** How a layer is pruned: per weight, per aligned 1x4 block of a row, or per output channel (row). */
export type Granularity = 'unstructured' | 'block1x4' | 'channel';
export const GRANULARITIES: readonly Granularity[] = ['unstructured', 'block1x4', 'channel'];

/** A layer's kernel: dense (the whole matrix, so the layer is left unpruned) or sparse. */
export type LayerKernel = 'dense' | 'sparse';
export const LAYER_KERNELS: readonly LayerKernel[] = ['dense', 'sparse'];
export const NUMBER_FORMATS: readonly NumberFormat[] = ['float32', 'int8'];

export interface Candidate {
  /** [mode][layer], densest mode first; each layer's sparsity non-decreasing across modes. */
  sparsity: number[][];
  /** Per prunable layer (default: unstructured). */
  granularity?: Granularity[];
  /** Per prunable layer (default: sparse). */
  kernel?: LayerKernel[];
  /** Default float32. */
  numberFormat?: NumberFormat;
  /** The mode policy's parameters the device runs with (default: the objective's). */
  policy?: PolicyOptions;
}

export const granularityOf = (c: Candidate, layer: number): Granularity => c.granularity?.[layer] ?? 'unstructured';
export const kernelOf = (c: Candidate, layer: number): LayerKernel => c.kernel?.[layer] ?? 'sparse';
export const numberFormatOf = (c: Candidate): NumberFormat => c.numberFormat ?? 'float32';

/**
 * The package kernel format of each prunable layer: a dense kernel stores the whole matrix; a
 * sparse one stores 1x4 blocks when pruned in blocks, and row prefixes otherwise (a dropped
 * output channel is an empty row).
 */
export function layerFormats(c: Candidate): KernelFormat[] {
  return c.sparsity[0]!.map((_, l) => (kernelOf(c, l) === 'dense' ? 'dense' : granularityOf(c, l) === 'block1x4' ? 'block1x4' : 'rowPrefixSparse'));
}

/** Identifies what a candidate builds and runs: equal keys, equal evaluations. */
export function candidateKey(c: Candidate): string {
  const s = c.sparsity.map((row) => row.map((x) => x.toFixed(4)).join(',')).join('|');
  const layers = c.sparsity[0]!.map((_, l) => `${kernelOf(c, l)[0]}${granularityOf(c, l)[0]}`).join('');
  const policy = c.policy ? Object.entries(c.policy).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',') : '';
  return `${s};${layers};${numberFormatOf(c)};${policy}`;
}
