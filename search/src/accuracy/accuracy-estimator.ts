/**
 * The AccuracyEstimator port: a candidate in, the top-1 accuracy of each of its modes out
 * (densest first). Implementations range from cheap (masks on a trained dense network, no
 * fine-tuning) to faithful (a sandwich-trained supernet, or fine-tuning each candidate).
 */
import type { Candidate } from '../space/candidate.js';

export interface AccuracyEstimator {
  readonly name: string;
  estimate(candidate: Candidate, signal?: AbortSignal): Promise<number[]>;
}
