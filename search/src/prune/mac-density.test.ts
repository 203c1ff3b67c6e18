import { describe, expect, it } from 'vitest';
import { getNetworkSpec, prunableShapes } from '../models/network-spec.js';
import { macsPerWeight, modeDensities } from './mac-density.js';

const spec = getNetworkSpec('lenet-5');
const shapes = prunableShapes(spec);
const model = { spec, params: shapes.map((p) => ({ ...p, weights: new Float32Array(p.inFeatures * p.outFeatures), bias: new Float32Array(p.outFeatures) })) };

describe('modeDensities', () => {
  it('weighs a conv weight by its output positions: LeNet-5 spends 85 % of its MACs in 6 % of its weights', () => {
    expect(shapes.map(macsPerWeight)).toEqual([576, 64, 1, 1, 1]);
    // mode 0 keeps every weight, mode 1 only the fully-connected ones
    const keep = shapes.map((p) => new Int8Array(p.inFeatures * p.outFeatures).fill(p.conv ? 0 : 1));
    const [all, fcOnly] = modeDensities(model, keep, 2);
    expect(all).toMatchObject({ weightDensity: 1, macDensity: 1, layers: [1, 1, 1, 1, 1] });
    expect(fcOnly!.layers).toEqual([0, 0, 1, 1, 1]);
    expect(fcOnly!.weightDensity).toBeCloseTo(41_640 / 44_190, 6);
    expect(fcOnly!.macDensity).toBeCloseTo(41_640 / (150 * 576 + 2400 * 64 + 41_640), 6);
  });
});
