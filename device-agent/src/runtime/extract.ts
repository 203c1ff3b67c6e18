/**
 * Run-time model extraction: a mode of a package becomes a runnable model by choosing, per
 * layer, the slice of stored row ends that belongs to the mode — O(1) per layer, since the ends
 * of every mode are stored; no weight is copied and, given the package's workspace, nothing is
 * allocated beyond a closure per layer. A ReLU right after a weighted layer is fused into that
 * layer's output store and skipped as a pass of its own.
 */
import { EveError } from '../errors/eve-error.js';
import type { EvePackage, PackageLayer, WeightedLayer } from '../format/package-types.js';
import { convDenseF32, convRowPrefixSparseF32, convTaps, maxPoolF32, type ConvGeometry } from './conv-kernels.js';
import type { KernelFormat } from '../format/model-spec.js';
import { BLOCK } from '../format/keep-layout.js';
import { argmax, block1x4F32, denseF32, reluInPlace, rowPrefixSparseF32, softmaxInPlace } from './kernels.js';

/** What one layer of one mode does, in operations the cost model prices. */
export interface LayerOps {
  kind: 'dense' | 'conv2d' | 'maxpool' | 'relu' | 'flatten' | 'softmax';
  format?: KernelFormat;
  /** Dot products computed: output rows (conv: output channels x output positions). */
  rows: number;
  /** Weights per full row (dense: inFeatures; conv: kernelH*kernelW*inChannels). */
  cols: number;
  /** Multiply-accumulates this mode executes. */
  macs: number;
  /** Weight values read (= macs: every executed MAC reads its weight once). */
  weightReads: number;
  /** Column indices read (rowPrefixSparse: = macs; block1x4: one per block of four MACs). */
  indexReads: number;
  /** Activations read by the layer (for weighted layers: the input tensor's size). */
  inputs: number;
  /** Activations written. */
  outputs: number;
  /** ReLU only: done in the preceding weighted layer's output store, not as a pass of its own. */
  fused?: boolean;
}

/** Whether layer i is a weighted layer whose output goes straight into a ReLU (which it then fuses). */
export function fusesRelu(layers: readonly PackageLayer[], i: number): boolean {
  const k = layers[i]?.kind;
  return (k === 'dense' || k === 'conv2d') && layers[i + 1]?.kind === 'relu';
}

/** Called after each layer with its output (a view the next call overwrites). */
export type LayerTap = (layer: number, output: Float32Array) => void;

/** Operations per layer of one mode, for the cost model (O(rows)). */
export function modeOps(layers: readonly PackageLayer[], mode: number, inputLength: number): LayerOps[] {
  let width = inputLength;
  return layers.map((l, i) => {
    const inputs = width;
    if (l.kind === 'dense' || l.kind === 'conv2d') { const ops = layerOps(l, mode * l.outFeatures, inputs); width = ops.outputs; return ops; }
    const none = { rows: 0, cols: 0, macs: 0, weightReads: 0, indexReads: 0, inputs };
    if (l.kind === 'maxpool') { width = l.output[0] * l.output[1] * l.output[2]; return { kind: 'maxpool', ...none, outputs: width }; }
    // relu and softmax run in place; flatten only reinterprets the shape
    if (l.kind === 'relu' && fusesRelu(layers, i - 1)) return { kind: 'relu', ...none, outputs: width, fused: true };
    return { kind: l.kind, ...none, outputs: l.kind === 'flatten' ? 0 : width };
  });
}

export interface RunnableModel {
  mode: number;
  inputLength: number;
  outputLength: number;
  /** Operations per layer for the cost model (computed on first use). */
  readonly ops: LayerOps[];
  /** Runs the model; the returned array is reused by the next call. */
  run(input: Float32Array): Float32Array;
  predict(input: Float32Array): number;
  /** Inputs travel as uint8 (e.g. pixels); scaled by 1/255. `tap` sees every layer's output (calibration). */
  runUint8(input: Uint8Array, tap?: LayerTap): Float32Array;
  /** Every parameter array this model reads: values, bias, and the sparse index arrays (for zero-copy checks). */
  weightViews(): Array<Float32Array | Uint16Array | Uint32Array>;
}

/**
 * Activation memory for running a package's models: an output view per layer, alternating
 * between two buffers as wide as the widest layer, plus the input. Allocated once per package
 * (at deploy, as an MCU reserves SRAM) and shared by every mode, so extraction allocates nothing
 * that grows with the network.
 */
export interface WorkspaceOf<A extends Float32Array | Int8Array> {
  input: A;
  /** Output view of each layer (index-aligned with pkg.layers; in-place layers reuse their input). */
  outs: A[];
  /** Conv layers' geometry, with the taps of sparse ones (index-aligned with pkg.layers; O(kept weights), made once at deploy). */
  conv: Array<ConvGeometry | undefined>;
}

export type Workspace = WorkspaceOf<Float32Array>;

function outputSize(l: PackageLayer): number | undefined {
  if (l.kind === 'dense') return l.outFeatures;
  if (l.kind === 'conv2d' || l.kind === 'maxpool') return l.output[0] * l.output[1] * l.output[2];
  return undefined;
}

/** The workspace layout, in the element type of the number format (float32 or int8). */
export function layoutWorkspace<A extends Float32Array | Int8Array>(pkg: EvePackage, alloc: (length: number) => A): WorkspaceOf<A> {
  let widest = Math.max(1, pkg.outputs);
  for (const l of pkg.layers) widest = Math.max(widest, outputSize(l) ?? 0);
  const bufs = [alloc(widest), alloc(widest)];
  let flip = 0;
  const input = alloc(pkg.input[0] * pkg.input[1] * pkg.input[2]);
  let current = input;
  const outs = pkg.layers.map((l) => {
    const n = outputSize(l);
    if (n !== undefined) current = bufs[flip ^= 1]!.subarray(0, n) as A;
    return current;
  });
  const conv = pkg.layers.map((l): ConvGeometry | undefined => (l.kind === 'conv2d'
    ? {
      inW: l.input[1], inC: l.input[2], outH: l.output[0], outW: l.output[1], outC: l.output[2], cols: l.inFeatures, kernelH: l.kernelH,
      taps: l.format === 'dense' ? undefined : convTaps(l.columns, l.input[1], l.input[2], l.kernelH, l.kernelW),
    }
    : undefined));
  return { input, outs, conv };
}

export function createWorkspace(pkg: EvePackage): Workspace {
  return layoutWorkspace(pkg, (n) => new Float32Array(n));
}

interface LayerPlan {
  layer: PackageLayer;
  conv?: ConvGeometry;
  /** Sparse layers: where this mode's row ends start in layer.rowEnds. */
  endsAt: number;
  out: Float32Array;
  /** Weighted layers: a following ReLU is fused into the output store. ReLU layers: fused, so skipped. */
  relu: boolean;
}

export function layerOps(l: WeightedLayer, endsAt: number, inputs: number): LayerOps {
  const positions = l.kind === 'conv2d' ? l.output[0] * l.output[1] : 1;
  const rows = l.outFeatures;
  let perPosition = rows * l.inFeatures;
  let indexes = 0;
  if (l.format !== 'dense') {
    for (let r = 0; r < rows; r++) indexes += l.rowEnds[endsAt + r]! - l.rowStarts[r]!;
    perPosition = l.format === 'block1x4' ? indexes * BLOCK : indexes;
  }
  const macs = perPosition * positions;
  return { kind: l.kind, format: l.format, rows: rows * positions, cols: l.inFeatures, macs, weightReads: macs, indexReads: indexes * positions, inputs, outputs: rows * positions };
}

class ExtractedModel implements RunnableModel {
  readonly inputLength: number;
  readonly outputLength: number;
  private opsCache: LayerOps[] | undefined;

  constructor(readonly mode: number, private readonly plan: LayerPlan[], private readonly ws: Workspace, outputs: number) {
    this.inputLength = ws.input.length;
    this.outputLength = outputs;
  }

  /** Priced on demand (O(rows)), so choosing a mode stays O(layers). */
  get ops(): LayerOps[] {
    this.opsCache ??= modeOps(this.plan.map((p) => p.layer), this.mode, this.inputLength);
    return this.opsCache;
  }

  run(input: Float32Array): Float32Array {
    if (input.length !== this.inputLength) throw new EveError('INPUT_SIZE', `input has ${input.length} values, the model takes ${this.inputLength}`);
    // relu/softmax work in place, so never hand the caller's array to the first layer
    this.ws.input.set(input);
    return this.exec();
  }

  runUint8(input: Uint8Array, tap?: LayerTap): Float32Array {
    if (input.length !== this.inputLength) throw new EveError('INPUT_SIZE', `input has ${input.length} bytes, the model takes ${this.inputLength}`);
    const x = this.ws.input;
    for (let i = 0; i < x.length; i++) x[i] = input[i]! / 255;
    return this.exec(tap);
  }

  predict(input: Float32Array): number {
    return argmax(this.run(input));
  }

  weightViews(): Array<Float32Array | Uint16Array | Uint32Array> {
    return this.plan.flatMap(({ layer: l }) => {
      if (l.kind !== 'dense' && l.kind !== 'conv2d') return [];
      return l.format === 'dense' ? [l.values, l.bias] : [l.values, l.bias, l.columns, l.rowStarts, l.rowEnds];
    });
  }

  private exec(tap?: LayerTap): Float32Array {
    let x = this.ws.input;
    for (let i = 0; i < this.plan.length; i++) {
      const { layer: l, endsAt, out, conv, relu } = this.plan[i]!;
      if (l.kind === 'conv2d') {
        if (l.format === 'dense') convDenseF32(l.values, l.bias, x, out, conv!, relu);
        else convRowPrefixSparseF32(l.values, conv!.taps!, l.rowStarts, l.rowEnds, endsAt, l.bias, x, out, conv!, relu);
        x = out;
      } else if (l.kind === 'maxpool') {
        maxPoolF32(x, out, l.input[1], l.input[2], l.size, l.output[0], l.output[1]);
        x = out;
      } else if (l.kind === 'dense') {
        if (l.format === 'dense') denseF32(l.values, l.bias, x, out, l.outFeatures, l.inFeatures, relu);
        else if (l.format === 'block1x4') block1x4F32(l.values, l.columns, l.rowStarts, l.rowEnds, endsAt, l.bias, x, out, l.outFeatures, relu);
        else rowPrefixSparseF32(l.values, l.columns, l.rowStarts, l.rowEnds, endsAt, l.bias, x, out, l.outFeatures, relu);
        x = out;
      } else if (l.kind === 'relu') {
        if (!relu) reluInPlace(x);
      } else if (l.kind === 'softmax') softmaxInPlace(x);
      tap?.(i, x);
    }
    return x;
  }
}

/**
 * The mode's model: per sparse layer, the offset of that mode's row ends — O(1) per layer, no
 * weight copied. Pass the package's workspace to share activation memory across modes (a board
 * does); models sharing a workspace must not run concurrently, and `run`'s result is reused.
 */
export function extract(pkg: EvePackage, mode: number, ws: Workspace = createWorkspace(pkg)): RunnableModel {
  if (!Number.isInteger(mode) || mode < 0 || mode >= pkg.modes.length) {
    throw new EveError('MODE_OUT_OF_RANGE', `mode ${mode} is not in 0..${pkg.modes.length - 1} of package '${pkg.name}'`);
  }
  if (pkg.dtype !== 'float32') throw new EveError('PKG_DTYPE', `package '${pkg.name}' is ${pkg.dtype}: run it with extractInt8`);
  const plan: LayerPlan[] = [];
  for (let i = 0; i < pkg.layers.length; i++) {
    const l = pkg.layers[i]!;
    const fused = fusesRelu(pkg.layers, i) || (l.kind === 'relu' && fusesRelu(pkg.layers, i - 1));
    plan.push({ layer: l, endsAt: l.kind === 'dense' || l.kind === 'conv2d' ? mode * l.outFeatures : 0, out: ws.outs[i]!, conv: ws.conv[i], relu: fused });
  }
  return new ExtractedModel(mode, plan, ws, pkg.outputs);
}
