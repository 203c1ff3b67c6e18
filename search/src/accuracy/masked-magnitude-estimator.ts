/**
 * The cheap, honest estimator: apply the candidate's nested masks (magnitude-ranked weights,
 * 1x4 blocks or output channels, per layer) to a trained dense network and measure each mode's accuracy on a fixed validation subset, with no fine-tuning.
 * Real measurements (a pessimistic bound on what joint fine-tuning recovers), cached by mask key
 * so a repeated or re-proposed candidate costs nothing.
 */
import type { Split } from '../data/dataset.js';
import { granularityOf, kernelOf, type Candidate } from '../space/candidate.js';
import { magnitudeOrders } from '../prune/nested-keep.js';
import { candidateKeep } from '../prune/candidate-keep.js';
import type { TrainedModel } from '../train/trained-model.js';
import { evaluateAccuracy } from '../train/train-dense.js';
import type { AccuracyEstimator } from './accuracy-estimator.js';

export interface MaskedMagnitudeOptions {
  dense: TrainedModel;
  val: Split;
  features: number;
  /** Validation examples used (the first `images` of the split). */
  images: number;
}

export class MaskedMagnitudeEstimator implements AccuracyEstimator {
  readonly name = 'masked-magnitude';
  private readonly cache = new Map<string, number[]>();
  private readonly subset: Split;
  private orders: Uint32Array[] | undefined;

  constructor(private readonly o: MaskedMagnitudeOptions) {
    const n = Math.min(o.images, o.val.count);
    this.subset = { images: o.val.images.subarray(0, n * o.features), labels: o.val.labels.subarray(0, n), count: n };
  }

  /** The masks are a function of the per-mode, per-layer sparsities and each layer's granularity and kernel. */
  static maskKey(c: Candidate): string {
    const layers = c.sparsity[0]?.map((_, l) => `${kernelOf(c, l)}/${granularityOf(c, l)}`).join(',') ?? '';
    return `${c.sparsity.map((row) => row.map((s) => s.toFixed(4)).join(',')).join('|')};${layers}`;
  }

  async estimate(candidate: Candidate, signal?: AbortSignal): Promise<number[]> {
    signal?.throwIfAborted();
    const key = MaskedMagnitudeEstimator.maskKey(candidate);
    const hit = this.cache.get(key);
    if (hit) return hit;
    this.orders ??= magnitudeOrders(this.o.dense);
    const keep = candidateKeep(this.o.dense, candidate, this.orders);
    const acc = candidate.sparsity.map((_, m) => evaluateAccuracy(this.o.dense, this.subset, this.o.features, keep, m));
    this.cache.set(key, acc);
    return acc;
  }

  get cached(): number {
    return this.cache.size;
  }
}
