import type { NetworkSpec } from '../models/network-spec.js';

/** Weights of a network, framework-free: dense weights row-major [out][in]. */
export interface DenseParams {
  inFeatures: number;
  outFeatures: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainedModel {
  spec: NetworkSpec;
  /** One entry per prunable (dense) layer, in order. */
  params: DenseParams[];
}

export interface TrainProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}
