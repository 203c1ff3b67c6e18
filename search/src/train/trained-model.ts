import type { NetworkSpec, PrunableShape } from '../models/network-spec.js';

/**
 * Weights of one prunable layer, framework-free, as rows: dense weights row-major [out][in];
 * conv weights [outChannels][kernelH][kernelW][inChannels] (the layout the package stores).
 */
export interface DenseParams extends PrunableShape {
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainedModel {
  spec: NetworkSpec;
  /** One entry per prunable (dense or conv2d) layer, in order. */
  params: DenseParams[];
}

export interface TrainProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}
