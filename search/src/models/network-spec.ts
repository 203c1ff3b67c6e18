/**
 * Networks as declarative data, understood by training (TensorFlow.js) and by the package writer
 * (device-agent). Dense and conv2d layers are the prunable ones.
 */
import { EveError } from '@eve-bench/device-agent';

export type NetworkLayer =
  | { type: 'dense'; units: number }
  | { type: 'relu' }
  | { type: 'flatten' };

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
  // LeCun et al. 1998 / Han et al. 2015: 784-300-100-10.
  'lenet-300-100': {
    name: 'lenet-300-100', input: [28, 28, 1], classes: 10,
    layers: [{ type: 'flatten' }, { type: 'dense', units: 300 }, { type: 'relu' }, { type: 'dense', units: 100 }, { type: 'relu' }, { type: 'dense', units: 10 }],
  },
};

export function networkNames(): string[] {
  return Object.keys(NETWORKS);
}

export function getNetworkSpec(name: string): NetworkSpec {
  const n = NETWORKS[name];
  if (!n) throw new EveError('NETWORK_UNKNOWN', `unknown network '${name}' (known: ${networkNames().join(', ')})`);
  return n;
}

/** Input/output sizes of each dense layer, in order. */
export function denseShapes(spec: NetworkSpec): Array<{ inFeatures: number; outFeatures: number }> {
  let width = spec.input[0] * spec.input[1] * spec.input[2];
  const out: Array<{ inFeatures: number; outFeatures: number }> = [];
  for (const l of spec.layers) {
    if (l.type === 'dense') {
      out.push({ inFeatures: width, outFeatures: l.units });
      width = l.units;
    }
  }
  if (width !== spec.classes) throw new EveError('NETWORK_INVALID', `${spec.name}: last layer has ${width} outputs, ${spec.classes} classes expected`);
  return out;
}
