/**
 * Scores a candidate's modes on the supernet's shared weights, without fine-tuning it: each mode's
 * mask comes from the supernet's ranks (`keepFromRanks`) and its accuracy is measured on the
 * validation split (first `images` examples). One of the `AccuracyEstimator`s, beside the cheap
 * masked-magnitude one (accuracy/masked-magnitude-estimator.ts).
 */
import type { AccuracyEstimator } from '../accuracy/accuracy-estimator.js';
import type { Split } from '../data/dataset.js';
import type { Candidate } from '../space/candidate.js';
import { evaluateAccuracy } from '../train/train-dense.js';
import { keepFromRanks, type Supernet } from './sandwich.js';

export class SupernetAccuracyEstimator implements AccuracyEstimator {
  readonly name = 'supernet';
  private readonly split: Split;
  constructor(private readonly supernet: Supernet, val: Split, images = val.count) {
    const n = Math.min(images, val.count);
    const features = val.images.length / Math.max(1, val.count);
    this.split = { images: val.images.subarray(0, n * features), labels: val.labels.subarray(0, n), count: n };
  }

  keep(candidate: Candidate): Int8Array[] {
    return keepFromRanks(this.supernet.ranks, candidate.sparsity);
  }

  /** Synchronous: the supernet evaluator calls it inline. */
  estimateNow(candidate: Candidate): number[] {
    const keep = this.keep(candidate);
    return candidate.sparsity.map((_, m) => evaluateAccuracy(this.supernet.model, this.split, keep, m));
  }

  async estimate(candidate: Candidate, signal?: AbortSignal): Promise<number[]> {
    signal?.throwIfAborted();
    return this.estimateNow(candidate);
  }
}
