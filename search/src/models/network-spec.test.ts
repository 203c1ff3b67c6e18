import { describe, expect, it } from 'vitest';
import { getNetworkSpec, layerInputShapes, networkNames, parseNetworkSpec, prunableShapes } from './network-spec.js';

describe('network specs', () => {
  it('ships mlp-small, lenet-300-100 and lenet-5, each valid as JSON', () => {
    expect(networkNames()).toEqual(expect.arrayContaining(['mlp-small', 'lenet-300-100', 'lenet-5']));
    for (const name of networkNames()) {
      const spec = getNetworkSpec(name);
      expect(parseNetworkSpec(JSON.parse(JSON.stringify(spec)), name)).toEqual(spec);
    }
  });

  it('computes the prunable layers: rows and row lengths, conv geometry with valid padding', () => {
    expect(prunableShapes(getNetworkSpec('lenet-300-100')).map((p) => [p.outFeatures, p.inFeatures])).toEqual([[300, 784], [100, 300], [10, 100]]);
    const lenet5 = prunableShapes(getNetworkSpec('lenet-5'));
    expect(lenet5.map((p) => [p.outFeatures, p.inFeatures])).toEqual([[6, 25], [16, 150], [120, 256], [84, 120], [10, 84]]);
    expect(lenet5[1]!.conv).toEqual({ input: [12, 12, 6], kernelH: 5, kernelW: 5 });
    expect(layerInputShapes(getNetworkSpec('lenet-5')).at(-1)).toEqual([1, 1, 10]);
  });

  it('hands out copies, so a caller cannot change the built-in networks', () => {
    const a = getNetworkSpec('mlp-small');
    a.layers.push({ type: 'relu' });
    expect(getNetworkSpec('mlp-small').layers.length).toBe(a.layers.length - 1);
  });

  it('rejects malformed networks with a reason', () => {
    const ok = { name: 'n', input: [28, 28, 1], classes: 10, layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] };
    expect(parseNetworkSpec(ok).layers).toHaveLength(2);
    const cases: Array<[unknown, RegExp]> = [
      [null, /not an object/],
      [{ ...ok, input: [28, 28] }, /input must be/],
      [{ ...ok, classes: 1 }, /classes/],
      [{ ...ok, layers: [{ type: 'flatten' }, { type: 'dense', units: 0 }] }, /units/],
      [{ ...ok, layers: [{ type: 'softmaxx' }] }, /unknown layer type "softmaxx"/],
      [{ ...ok, layers: [{ type: 'dense', units: 10 }] }, /flat input/],
      [{ ...ok, layers: [{ type: 'flatten' }, { type: 'dense', units: 12 }] }, /10 classes expected/],
      [{ ...ok, layers: [{ type: 'conv2d', filters: 4, kernel: 30 }, { type: 'flatten' }, { type: 'dense', units: 10 }] }, /does not fit/],
      [{ ...ok, layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }, { type: 'maxpool', size: 2 }] }, /after a flatten or dense/],
      [{ ...ok, classes: 784, layers: [{ type: 'flatten' }] }, /no dense or conv2d/],
    ];
    for (const [value, message] of cases) expect(() => parseNetworkSpec(value), String(message)).toThrow(message);
  });
});
