/**
 * A parsed `.eve` package: typed views into one validated buffer. Nothing here owns a copy of
 * the weights; extraction hands the same views to the kernels.
 */
import type { KernelFormat, Shape3 } from './model-spec.js';
export type { Shape3 };

export const EVE_MAGIC = [0x45, 0x56, 0x45, 0x00] as const; // "EVE\0"
export const EVE_VERSION = 1;
export const MAX_MODES = 8;
export const MAX_LAYERS = 64;
export const MAX_NAME_BYTES = 64;
/**
 * Largest tensor (input or any layer's output) a package may declare, in elements. Activations are
 * the only memory extraction allocates, so this bounds what a hostile header can make a board
 * reserve; 1 Mi floats is far beyond any MCU's SRAM (LeNet-5's largest tensor has 4,704).
 */
export const MAX_TENSOR_ELEMENTS = 1 << 20;

export const LayerKind = { dense: 1, relu: 2, flatten: 3, softmax: 4, conv2d: 5, maxpool: 6 } as const;
export const FormatCode = { dense: 0, rowPrefixSparse: 1, block1x4: 2 } as const;
export const DtypeCode = { float32: 0, int8: 1 } as const;

export interface PackageMode {
  name: string;
  /** Weights of the prunable layers this mode uses. */
  keptWeights: number;
  /** 1 - keptWeights / all prunable weights. */
  sparsity: number;
}

/** Weights stored as rows (a dense layer's outputs, a conv layer's output channels). */
export interface WeightedStorage {
  format: KernelFormat;
  /** Weights per row: a dense layer's inputs; a conv layer's kernelH * kernelW * inChannels. */
  inFeatures: number;
  /** Rows: a dense layer's outputs; a conv layer's output channels. */
  outFeatures: number;
  bias: Float32Array;
  /**
   * dense: rows*cols row-major; rowPrefixSparse: the stored (kept-in-any-mode) weights, row after
   * row; block1x4: the stored blocks, four weights each, row after row.
   */
  values: Float32Array;
  /** rowPrefixSparse: column of each stored value; block1x4: first column of each block (a multiple of 4). */
  columns: Uint16Array;
  /** Sparse formats: rows+1 offsets where each row starts (rowPrefixSparse: in values; block1x4: in blocks). */
  rowStarts: Uint32Array;
  /** Sparse formats: [mode][row] absolute end offset, in rowStarts' units (prefix of the stored row). */
  rowEnds: Uint32Array;
  /** int8 packages only (then `values` and `bias` above are empty): the scales section and int8 weights. */
  int8?: Int8Storage;
}

/**
 * An int8 layer (see quant/fixed-point.ts): weights laid out as `values` (same order, columns and
 * row ends), int32 bias in accumulator units, and per row the fixed-point requantization
 * y = sat8((acc * multiplier[r] + 2^(shift[r]-1)) >> shift[r]). The float scales are kept for
 * dequantizing and inspection; the integer path never reads them.
 */
export interface Int8Storage {
  values: Int8Array;
  bias: Int32Array;
  inScale: number;
  outScale: number;
  weightScales: Float32Array;
  multiplier: Int32Array;
  shift: Int32Array;
}

export interface DensePackageLayer extends WeightedStorage {
  kind: 'dense';
}

/** Stride 1, 'valid' padding, HWC; a column (ky, kx, ci) is ((ky * kernelW) + kx) * inChannels + ci. */
export interface ConvPackageLayer extends WeightedStorage {
  kind: 'conv2d';
  input: Shape3;
  kernelH: number;
  kernelW: number;
  output: Shape3;
}

/** Square window, stride = size, HWC; output floor(H/size) x floor(W/size) x C. */
export interface MaxPoolPackageLayer {
  kind: 'maxpool';
  input: Shape3;
  size: number;
  output: Shape3;
}

export interface SimplePackageLayer {
  kind: 'relu' | 'flatten' | 'softmax';
}

export type PackageLayer = DensePackageLayer | ConvPackageLayer | MaxPoolPackageLayer | SimplePackageLayer;
export type WeightedLayer = DensePackageLayer | ConvPackageLayer;

export interface EvePackage {
  version: number;
  name: string;
  dtype: 'float32' | 'int8';
  input: Shape3;
  outputs: number;
  modes: PackageMode[];
  layers: PackageLayer[];
  /** The validated buffer every view points into. */
  buffer: Uint8Array;
  stats: { packageBytes: number; weightRegionBytes: number };
}
