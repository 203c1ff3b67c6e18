/**
 * Networks as declarative data, understood by training (TensorFlow.js) and by the package writer
 * (device-agent). Dense and conv2d layers are the prunable ones.
 */
import { EveError } from '@eve-bench/device-agent';

export type NetworkLayer =
  | { type: 'dense'; units: number }
  | { type: 'conv2d'; filters: number; kernel: number }
  | { type: 'maxpool'; size: number }
  | { type: 'relu' }
  | { type: 'flatten' };

export type Shape3 = readonly [number, number, number];

export interface NetworkSpec {
  name: string;
  input: readonly [number, number, number];
  classes: number;
  layers: NetworkLayer[];
}

const NETWORKS: Record<string, NetworkSpec> = {
  // Small enough to train in seconds on the WASM backend: the demo's network.
  'mlp-small': {
    name: 'mlp-small', input: [28, 28, 1], classes: 10,
    layers: [{ type: 'flatten' }, { type: 'dense', units: 128 }, { type: 'relu' }, { type: 'dense', units: 64 }, { type: 'relu' }, { type: 'dense', units: 10 }],
  },
  // LeNet-5 as Han et al. 2015 prune it (Caffe's variant): conv 5x5x20, pool, conv 5x5x50, pool, 500, 10.
  // Scaled to 6/16 filters and 120/84 units as in LeCun et al. 1998, with 'valid' convolutions.
  'lenet-5': {
    name: 'lenet-5', input: [28, 28, 1], classes: 10,
    layers: [
      { type: 'conv2d', filters: 6, kernel: 5 }, { type: 'relu' }, { type: 'maxpool', size: 2 },
      { type: 'conv2d', filters: 16, kernel: 5 }, { type: 'relu' }, { type: 'maxpool', size: 2 },
      { type: 'flatten' }, { type: 'dense', units: 120 }, { type: 'relu' }, { type: 'dense', units: 84 }, { type: 'relu' }, { type: 'dense', units: 10 },
    ],
  },
  // LeCun et al. 1998 / Han et al. 2015: 784-300-100-10.
  'lenet-300-100': {
    name: 'lenet-300-100', input: [28, 28, 1], classes: 10,
    layers: [{ type: 'flatten' }, { type: 'dense', units: 300 }, { type: 'relu' }, { type: 'dense', units: 100 }, { type: 'relu' }, { type: 'dense', units: 10 }],
  },
};

export function networkNames(): string[] {
  return Object.keys(NETWORKS);
}

/** A built-in network, as a fresh copy (callers may change it without affecting anyone else). */
export function getNetworkSpec(name: string): NetworkSpec {
  const n = NETWORKS[name];
  if (!n) throw new EveError('NETWORK_UNKNOWN', `unknown network '${name}' (known: ${networkNames().join(', ')})`);
  return structuredClone(n) as NetworkSpec;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;

/**
 * A network read from JSON (a user's own, or a file), checked field by field, then checked as a
 * whole: shapes must flow from the input to `classes` outputs. Hand-validated rather than with a
 * schema library: five layer kinds, and the shape rules a schema cannot express anyway.
 */
export function parseNetworkSpec(value: unknown, source = 'network'): NetworkSpec {
  const bad = (msg: string): never => { throw new EveError('NETWORK_INVALID', `${source}: ${msg}`); };
  if (typeof value !== 'object' || value === null) bad('not an object');
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || v.name.length === 0) bad('name must be a non-empty string');
  if (!Array.isArray(v.input) || v.input.length !== 3 || !v.input.every(isCount)) bad('input must be [height, width, channels] of positive integers');
  if (!isCount(v.classes) || v.classes < 2) bad('classes must be an integer >= 2');
  if (!Array.isArray(v.layers) || v.layers.length === 0) bad('layers must be a non-empty array');
  let flat = false;
  const layers = (v.layers as unknown[]).map((raw, i): NetworkLayer => {
    const l = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const where = `layer ${i}`;
    switch (l.type) {
      case 'dense':
        if (!isCount(l.units)) bad(`${where}: dense needs integer units >= 1`);
        flat = true;
        return { type: 'dense', units: l.units as number };
      case 'conv2d':
      case 'maxpool': {
        // the graph reshapes flat activations back to the input shape only before the first layer
        if (flat) bad(`${where}: ${l.type} after a flatten or dense layer is not supported`);
        if (l.type === 'conv2d') {
          if (!isCount(l.filters) || !isCount(l.kernel)) bad(`${where}: conv2d needs integer filters and kernel >= 1`);
          return { type: 'conv2d', filters: l.filters as number, kernel: l.kernel as number };
        }
        if (!isCount(l.size) || (l.size as number) < 2) bad(`${where}: maxpool needs an integer size >= 2`);
        return { type: 'maxpool', size: l.size as number };
      }
      case 'flatten':
        flat = true;
        return { type: 'flatten' };
      case 'relu':
        return { type: 'relu' };
      default:
        return bad(`${where}: unknown layer type ${JSON.stringify(l.type)} (dense, conv2d, maxpool, relu, flatten)`);
    }
  });
  const spec: NetworkSpec = { name: v.name as string, input: [...(v.input as number[])] as unknown as Shape3, classes: v.classes as number, layers };
  const shapes = layerInputShapes(spec);
  spec.layers.forEach((l, i) => {
    const s = shapes[i]!;
    if (l.type === 'dense' && (s[0] !== 1 || s[1] !== 1)) bad(`layer ${i}: dense needs a flat input, got ${s.join('x')} (add a flatten layer)`);
    if (l.type === 'maxpool' && (l.size > s[0] || l.size > s[1])) bad(`layer ${i}: a ${l.size}x${l.size} pool does not fit ${s.join('x')}`);
  });
  if (prunableShapes(spec).length === 0) bad('no dense or conv2d layer');
  return spec;
}

export interface PrunableShape {
  /** Weights per row: inputs of a dense layer, kernel*kernel*inChannels of a conv layer. */
  inFeatures: number;
  /** Rows: outputs of a dense layer, filters of a conv layer. */
  outFeatures: number;
  conv?: { input: Shape3; kernelH: number; kernelW: number };
}

/** The tensor shape (HWC) arriving at each layer, and the network's output shape last. */
export function layerInputShapes(spec: NetworkSpec): Shape3[] {
  let s: Shape3 = spec.input;
  const out: Shape3[] = [];
  spec.layers.forEach((l, i) => {
    out.push(s);
    if (l.type === 'dense') s = [1, 1, l.units];
    else if (l.type === 'flatten') s = [1, 1, s[0] * s[1] * s[2]];
    else if (l.type === 'conv2d') {
      if (l.kernel > s[0] || l.kernel > s[1]) throw new EveError('NETWORK_INVALID', `${spec.name}: layer ${i}: a ${l.kernel}x${l.kernel} kernel does not fit ${s.join('x')}`);
      s = [s[0] - l.kernel + 1, s[1] - l.kernel + 1, l.filters];
    } else if (l.type === 'maxpool') s = [Math.floor(s[0] / l.size), Math.floor(s[1] / l.size), s[2]];
  });
  out.push(s);
  return out;
}

/** Sizes (and conv geometry) of each prunable layer, in order. */
export function prunableShapes(spec: NetworkSpec): PrunableShape[] {
  const shapes = layerInputShapes(spec);
  const out: PrunableShape[] = [];
  spec.layers.forEach((l, i) => {
    const s = shapes[i]!;
    if (l.type === 'dense') out.push({ inFeatures: s[0] * s[1] * s[2], outFeatures: l.units });
    if (l.type === 'conv2d') out.push({ inFeatures: l.kernel * l.kernel * s[2], outFeatures: l.filters, conv: { input: s, kernelH: l.kernel, kernelW: l.kernel } });
  });
  const last = shapes[shapes.length - 1]!;
  if (last[0] * last[1] * last[2] !== spec.classes) throw new EveError('NETWORK_INVALID', `${spec.name}: last layer has ${last.join('x')} outputs, ${spec.classes} classes expected`);
  return out;
}
