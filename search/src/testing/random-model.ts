/**
 * For the workspace's own tests: the `mlp-small` network (784-128-64-10) with normally distributed
 * weights from a seeded generator and zero biases, untrained, so masks can be checked on it.
 */
import { getNetworkSpec } from '../models/network-spec.js';
import { createRng } from '../rng/rng.js';
import type { TrainedModel } from '../train/trained-model.js';

export function randomMlpSmall(seed: number): TrainedModel {
  const rng = createRng(seed);
  const shapes = [[784, 128], [128, 64], [64, 10]] as const;
  return {
    spec: getNetworkSpec('mlp-small'),
    params: shapes.map(([i, o]) => ({ inFeatures: i, outFeatures: o, weights: Float32Array.from({ length: i * o }, () => rng.normal()), bias: new Float32Array(o) })),
  };
}
