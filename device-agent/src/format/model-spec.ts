/**
 * What a package writer is given: a network as a list of layers with float32 weights, and for
 * every weight the sparsest mode it survives in. Modes are ordered densest (0) to sparsest
 * (modeCount-1); masks are nested, so a weight kept in mode k is kept in every mode < k.
 *
 * `keep[i]` for weight i: the index of the sparsest mode that keeps it, or -1 if no mode does.
 * It is an Int8Array with the same layout as `weights`.
 */
export type Shape3 = readonly [height: number, width: number, channels: number];

/**
 * Kernel format a layer runs with; chosen per layer from the cost model, recorded in the package.
 * block1x4: aligned blocks of 4 consecutive inputs of one row, kept or dropped together.
 */
export type KernelFormat = 'dense' | 'rowPrefixSparse' | 'block1x4';

export interface DenseLayerSpec {
  kind: 'dense';
  inFeatures: number;
  outFeatures: number;
  /** Row-major [outFeatures][inFeatures]. */
  weights: Float32Array;
  bias: Float32Array;
  keep: Int8Array;
  format: KernelFormat;
}

export interface Conv2dLayerSpec {
  kind: 'conv2d';
  /** Input HWC shape. Stride 1, 'valid' padding. */
  input: Shape3;
  kernelH: number;
  kernelW: number;
  outChannels: number;
  /** [outChannels][kernelH][kernelW][inChannels] — each output channel is one "row". */
  weights: Float32Array;
  bias: Float32Array;
  keep: Int8Array;
  format: KernelFormat;
}

export interface MaxPoolLayerSpec {
  kind: 'maxpool';
  input: Shape3;
  size: number; // square window, stride = size
}

export interface SimpleLayerSpec {
  kind: 'relu' | 'flatten' | 'softmax';
}

export type LayerSpec = DenseLayerSpec | Conv2dLayerSpec | MaxPoolLayerSpec | SimpleLayerSpec;

export interface ModeSpec {
  name: string;
}

/** How weights and activations are stored and computed: float32, or int8 (see quant/). */
export type NumberFormat = 'float32' | 'int8';

/** int8 packages: activation scales from calibration (quantize()), one per weighted layer. */
export interface LayerQuant {
  /** Real value of one step of the layer's int8 input. */
  inScale: number;
  /** Real value of one step of the layer's int8 output. */
  outScale: number;
}

export interface ModelSpec {
  name: string;
  /** Default float32. int8 needs `quant`. */
  numberFormat?: NumberFormat;
  /** int8 only: index-aligned with `layers`, set for the dense and conv2d layers. */
  quant?: Array<LayerQuant | undefined>;
  /** Input tensor HWC; an MLP uses [1, 1, features]. Inputs travel as uint8 and are scaled by 1/255. */
  input: Shape3;
  outputs: number;
  modes: ModeSpec[];
  layers: LayerSpec[];
}
