/**
 * What the decoder needs to know about a network without its weights: each prunable layer's
 * matrix (rows × cols, conv output positions) and the activation buffers the device runtime
 * allocates — the input plus two ping-pong buffers as wide as the widest layer output
 * (device-agent's `layoutWorkspace`).
 */
import { BLOCK } from '@eve-bench/device-agent';
import { layerInputShapes, type NetworkSpec } from '../models/network-spec.js';

export interface LayerGeometry {
  rows: number;
  cols: number;
  conv: boolean;
  /** Output positions each row is evaluated at (1 for a dense layer). */
  positions: number;
  /** Whether the rows split into aligned 1x4 blocks the block kernel can run (fully-connected only). */
  blockable: boolean;
}

export interface NetworkGeometry {
  layers: LayerGeometry[];
  inputElements: number;
  /** Activation elements the runtime holds at once: input + 2 × the widest layer output. */
  activationElements: number;
}

export function networkGeometry(spec: NetworkSpec): NetworkGeometry {
  const shapes = layerInputShapes(spec);
  const size = (s: readonly number[]) => s[0]! * s[1]! * s[2]!;
  const layers: LayerGeometry[] = [];
  let widest = spec.classes;
  spec.layers.forEach((l, i) => {
    const input = shapes[i]!;
    const output = shapes[i + 1]!;
    if (l.type === 'dense' || l.type === 'conv2d' || l.type === 'maxpool') widest = Math.max(widest, size(output));
    if (l.type === 'dense') {
      const cols = size(input);
      layers.push({ rows: l.units, cols, conv: false, positions: 1, blockable: cols % BLOCK === 0 });
    } else if (l.type === 'conv2d') {
      layers.push({ rows: l.filters, cols: l.kernel * l.kernel * input[2], conv: true, positions: output[0] * output[1], blockable: false });
    }
  });
  const inputElements = size(spec.input);
  return { layers, inputElements, activationElements: inputElements + 2 * widest };
}
