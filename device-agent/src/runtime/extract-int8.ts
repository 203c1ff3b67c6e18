/**
 * Extraction for int8 packages: the same O(layers) plan as `extract` (a mode is an offset into
 * each layer's stored row ends), running the int8 kernels on int8 activation buffers allocated
 * once per package. The model ends in int8 logits; softmax is skipped (argmax needs no
 * probabilities, and an MCU would not compute them).
 */
import { EveError } from '../errors/eve-error.js';
import type { EvePackage, Int8Storage } from '../format/package-types.js';
import { quantizeInput } from '../quant/fixed-point.js';
import { fusesRelu, layoutWorkspace, modeOps, type LayerOps, type WorkspaceOf } from './extract.js';
import { argmaxI8, convDenseI8, convRowPrefixSparseI8, denseI8, int8Floor, maxPoolI8, reluI8InPlace, rowPrefixSparseI8 } from './int8-kernels.js';

export interface Int8Model {
  mode: number;
  inputLength: number;
  outputLength: number;
  readonly ops: LayerOps[];
  /** Input bytes (pixels) -> int8 logits; the returned array is reused by the next call. */
  run(input: Uint8Array): Int8Array;
  predict(input: Uint8Array): number;
}

/** int8 activation memory for a package, shared by its modes (as an MCU reserves SRAM once). */
export type Int8Workspace = WorkspaceOf<Int8Array>;

export function createInt8Workspace(pkg: EvePackage): Int8Workspace {
  return layoutWorkspace(pkg, (n) => new Int8Array(n));
}

class Int8ExtractedModel implements Int8Model {
  readonly inputLength: number;
  private opsCache: LayerOps[] | undefined;

  constructor(readonly mode: number, private readonly pkg: EvePackage, private readonly ws: Int8Workspace) {
    this.inputLength = ws.input.length;
  }

  get outputLength(): number { return this.pkg.outputs; }

  get ops(): LayerOps[] {
    this.opsCache ??= modeOps(this.pkg.layers, this.mode, this.inputLength);
    return this.opsCache;
  }

  run(input: Uint8Array): Int8Array {
    if (input.length !== this.inputLength) throw new EveError('INPUT_SIZE', `input has ${input.length} bytes, the model takes ${this.inputLength}`);
    let x = this.ws.input;
    for (let i = 0; i < x.length; i++) x[i] = quantizeInput(input[i]!);
    const { layers } = this.pkg;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      const out = this.ws.outs[i]!;
      if (l.kind === 'dense' || l.kind === 'conv2d') {
        const q = l.int8 as Int8Storage;
        const endsAt = this.mode * l.outFeatures;
        const lo = int8Floor(fusesRelu(layers, i));
        if (l.kind === 'conv2d') {
          const g = this.ws.conv[i]!;
          if (l.format === 'dense') convDenseI8(q.values, q, x, out, g, lo);
          else convRowPrefixSparseI8(q.values, g.taps!, l.rowStarts, l.rowEnds, endsAt, q, x, out, g, lo);
        } else if (l.format === 'dense') denseI8(q.values, q, x, out, l.outFeatures, l.inFeatures, lo);
        else rowPrefixSparseI8(q.values, l.columns, l.rowStarts, l.rowEnds, endsAt, q, x, out, l.outFeatures, lo);
        x = out;
      } else if (l.kind === 'maxpool') {
        maxPoolI8(x, out, l.input[1], l.input[2], l.size, l.output[0], l.output[1]);
        x = out;
      } else if (l.kind === 'relu' && !fusesRelu(layers, i - 1)) reluI8InPlace(x);
    }
    return x;
  }

  predict(input: Uint8Array): number {
    return argmaxI8(this.run(input));
  }
}

/** The int8 model of a mode: O(layers), no weight copied; models sharing `ws` must not run concurrently. */
export function extractInt8(pkg: EvePackage, mode: number, ws: Int8Workspace = createInt8Workspace(pkg)): Int8Model {
  if (pkg.dtype !== 'int8') throw new EveError('PKG_DTYPE', `package '${pkg.name}' is ${pkg.dtype}: run it with extract`);
  if (!Number.isInteger(mode) || mode < 0 || mode >= pkg.modes.length) {
    throw new EveError('MODE_OUT_OF_RANGE', `mode ${mode} is not in 0..${pkg.modes.length - 1} of package '${pkg.name}'`);
  }
  return new Int8ExtractedModel(mode, pkg, ws);
}
