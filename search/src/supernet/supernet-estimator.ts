/**
 * Scores a candidate's modes on the supernet's shared weights, without fine-tuning it: each mode's
 * mask comes from the supernet's ranks (`keepFromRanks`) and its accuracy is measured on the
 * validation split (first `images` examples). Named `SupernetAccuracyEstimator`, beside the cheap
 * magnitude-mask estimator elsewhere; both answer `estimate(candidate) -> per-mode accuracies`.
 */
import type { Split } from '../data/dataset.js';
import type { Candidate } from '../space/search-space.js';
import { evaluateAccuracy } from '../train/train-dense.js';
import { keepFromRanks, type Supernet } from './sandwich.js';

export class SupernetAccuracyEstimator {
  private readonly split: Split;
  constructor(private readonly supernet: Supernet, val: Split, images = val.count) {
    const n = Math.min(images, val.count);
    const features = val.images.length / Math.max(1, val.count);
    this.split = { images: val.images.subarray(0, n * features), labels: val.labels.subarray(0, n), count: n };
  }

  keep(candidate: Candidate): Int8Array[] {
    return keepFromRanks(this.supernet.ranks, candidate.sparsity);
  }

  estimate(candidate: Candidate): number[] {
    const keep = this.keep(candidate);
    return candidate.sparsity.map((_, m) => evaluateAccuracy(this.supernet.model, this.split, keep, m));
  }
}
