/**
 * Run-time model extraction: a mode of a package becomes a runnable model by choosing, per
 * layer, the slice of stored row ends that belongs to the mode — O(1) per layer here, since the
 * ends of every mode are stored; no weight is copied and nothing proportional to the weights is
 * allocated (only activation buffers, sized by layer outputs).
 */
import { EveError } from '../errors/eve-error.js';
import type { EvePackage, DensePackageLayer } from '../format/package-types.js';
import type { KernelFormat } from '../format/model-spec.js';
import { argmax, denseF32, reluInPlace, rowPrefixSparseF32, softmaxInPlace } from './kernels.js';

/** What one layer of one mode does, in operations the cost model prices. */
export interface LayerOps {
  kind: 'dense' | 'relu' | 'flatten' | 'softmax';
  format?: KernelFormat;
  rows: number;
  cols: number;
  /** Multiply-accumulates executed (= weights read). */
  macs: number;
  /** Column indices read (sparse kernels only). */
  indexReads: number;
  outputs: number;
}

export interface RunnableModel {
  mode: number;
  inputLength: number;
  outputLength: number;
  ops: LayerOps[];
  /** Runs the model; the returned array is reused by the next call. */
  run(input: Float32Array): Float32Array;
  predict(input: Float32Array): number;
  /** Inputs travel as uint8 (e.g. pixels); scaled by 1/255. */
  runUint8(input: Uint8Array): Float32Array;
  /** The weight views this model computes with (for zero-copy checks). */
  weightViews(): Float32Array[];
}

type Step = (x: Float32Array) => Float32Array;

function denseStep(l: DensePackageLayer, mode: number): { step: Step; ops: LayerOps } {
  const y = new Float32Array(l.outFeatures);
  const rows = l.outFeatures;
  if (l.format === 'dense') {
    return {
      step: (x) => { denseF32(l.values, l.bias, x, y, rows, l.inFeatures); return y; },
      ops: { kind: 'dense', format: 'dense', rows, cols: l.inFeatures, macs: rows * l.inFeatures, indexReads: 0, outputs: rows },
    };
  }
  const ends = l.rowEnds.subarray(mode * rows, (mode + 1) * rows);
  let macs = 0;
  for (let r = 0; r < rows; r++) macs += ends[r]! - l.rowStarts[r]!;
  return {
    step: (x) => { rowPrefixSparseF32(l.values, l.columns, l.rowStarts, ends, l.bias, x, y, rows); return y; },
    ops: { kind: 'dense', format: 'rowPrefixSparse', rows, cols: l.inFeatures, macs, indexReads: macs, outputs: rows },
  };
}

export function extract(pkg: EvePackage, mode: number): RunnableModel {
  if (!Number.isInteger(mode) || mode < 0 || mode >= pkg.modes.length) {
    throw new EveError('MODE_OUT_OF_RANGE', `mode ${mode} is not in 0..${pkg.modes.length - 1} of package '${pkg.name}'`);
  }
  const inputLength = pkg.input[0] * pkg.input[1] * pkg.input[2];
  const steps: Step[] = [];
  const ops: LayerOps[] = [];
  const views: Float32Array[] = [];
  let width = inputLength;
  for (const l of pkg.layers) {
    if (l.kind === 'dense') {
      const d = denseStep(l, mode);
      steps.push(d.step);
      ops.push(d.ops);
      views.push(l.values);
      width = l.outFeatures;
    } else if (l.kind === 'relu') {
      steps.push((x) => { reluInPlace(x); return x; });
      ops.push({ kind: 'relu', rows: 0, cols: 0, macs: 0, indexReads: 0, outputs: width });
    } else if (l.kind === 'softmax') {
      steps.push((x) => { softmaxInPlace(x); return x; });
      ops.push({ kind: 'softmax', rows: 0, cols: 0, macs: 0, indexReads: 0, outputs: width });
    } else {
      ops.push({ kind: 'flatten', rows: 0, cols: 0, macs: 0, indexReads: 0, outputs: width });
    }
  }
  const scaled = new Float32Array(inputLength);
  const first = new Float32Array(inputLength);
  const run = (input: Float32Array): Float32Array => {
    if (input.length !== inputLength) throw new EveError('INPUT_SIZE', `input has ${input.length} values, the model takes ${inputLength}`);
    // relu/softmax work in place, so never hand the caller's array to the first layer
    first.set(input);
    let x: Float32Array = first;
    for (const s of steps) x = s(x);
    return x;
  };
  return {
    mode, inputLength, outputLength: pkg.outputs, ops,
    run,
    predict: (input) => argmax(run(input)),
    runUint8: (input) => {
      if (input.length !== inputLength) throw new EveError('INPUT_SIZE', `input has ${input.length} bytes, the model takes ${inputLength}`);
      for (let i = 0; i < inputLength; i++) scaled[i] = input[i]! / 255;
      return run(scaled);
    },
    weightViews: () => views,
  };
}
