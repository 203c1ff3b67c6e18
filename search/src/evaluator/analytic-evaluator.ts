/**
 * The predicted-cost Evaluator: latency and energy from device-agent's cost model for a named
 * device profile, accuracy from the device runtime on the validation split. Same package, same
 * extraction and the same cost model as the virtual board, so its predictions and the virtual
 * lab's measurements agree by construction (a parity test checks it); real boards will not, which
 * is what a calibrated predictor is for.
 */
import { estimateInference, readPackage, writePackage, type DeviceProfile, extract } from '@eve-bench/device-agent';
import type { Dataset } from '../data/dataset.js';
import type { Candidate } from '../space/candidate.js';
import type { TrainedModel } from '../train/trained-model.js';
import { magnitudeOrders, nestedMagnitudeKeep } from '../prune/nested-keep.js';
import { fineTuneJoint } from '../prune/fine-tune-joint.js';
import { toModelSpec } from '../prune/to-model-spec.js';
import type { Evaluation, Evaluator } from './evaluator.js';
import { runtimeAccuracy } from './runtime-accuracy.js';
import type { AccuracyEstimator } from '../accuracy/accuracy-estimator.js';

export interface AnalyticEvaluatorOptions {
  dense: TrainedModel;
  dataset: Dataset;
  modeNames: string[];
  profile: DeviceProfile;
  accuracyImages: number;
  /** Where per-mode accuracy comes from; by default the device runtime on `accuracyImages` validation images. */
  accuracy?: AccuracyEstimator;
  fineTune?: { epochs: number; batchSize: number; learningRate: number; seed: number; lossWeights: number[]; trainCount: number };
}

export class AnalyticEvaluator implements Evaluator {
  private orders: Uint32Array[] | undefined;
  constructor(private readonly o: AnalyticEvaluatorOptions) {}

  async evaluate(candidate: Candidate, signal?: AbortSignal): Promise<Evaluation> {
    this.orders ??= magnitudeOrders(this.o.dense);
    const keep = nestedMagnitudeKeep(this.o.dense, candidate.sparsity, this.orders);
    const tuned = this.o.fineTune ? await fineTuneJoint(this.o.dense, keep, this.o.dataset, { ...this.o.fineTune, signal }) : this.o.dense;
    const bytes = writePackage(toModelSpec(tuned, keep, { name: 'predicted', modeNames: this.o.modeNames }));
    const pkg = readPackage(bytes);
    const estimated = this.o.accuracy ? await this.o.accuracy.estimate(candidate, signal) : undefined;
    return {
      candidate,
      costSource: 'predicted',
      packageBytes: bytes.length,
      modes: pkg.modes.map((m, k) => {
        const model = extract(pkg, k);
        const cost = estimateInference(this.o.profile, model.ops, model.inputLength);
        return {
          accuracy: estimated ? estimated[k]! : runtimeAccuracy(pkg, k, this.o.dataset.val, this.o.accuracyImages),
          latencyUs: cost.seconds * 1e6,
          energyUj: cost.energyJ * 1e6,
          sparsity: m.sparsity,
        };
      }),
    };
  }
}
