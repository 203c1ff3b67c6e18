/**
 * The predicted-cost Evaluator: latency and energy from device-agent's cost model for a named
 * device profile, priced in the candidate's number format on the very package it would ship as
 * (its granularity's masks, its per-layer kernel formats, int8 quantized when it asks for int8);
 * accuracy from an AccuracyEstimator for float32 candidates, else from the device runtime on the
 * validation split — int8 candidates always run the int8 runtime, since quantization loss is part
 * of what int8 costs. Same package, extraction and cost model as the virtual board, so its
 * predictions and the virtual lab's measurements agree by construction (a parity test checks
 * it); real boards will not, which is what a calibrated predictor is for.
 */
import { estimateInference, extract, extractInt8, type DeviceProfile } from '@eve-bench/device-agent';
import type { Dataset } from '../data/dataset.js';
import { numberFormatOf, type Candidate } from '../space/candidate.js';
import { requireFeasible, type EvaluatorSupport } from '../space/decode.js';
import { networkGeometry, type NetworkGeometry } from '../space/network-geometry.js';
import type { TrainedModel } from '../train/trained-model.js';
import { candidateKeep } from '../prune/candidate-keep.js';
import { magnitudeOrders } from '../prune/nested-keep.js';
import { fineTuneJoint } from '../prune/fine-tune-joint.js';
import type { Evaluation, Evaluator } from './evaluator.js';
import { runtimeAccuracy } from './runtime-accuracy.js';
import type { AccuracyEstimator } from '../accuracy/accuracy-estimator.js';
import { candidatePackage, splitInputs } from './candidate-package.js';

export interface AnalyticEvaluatorOptions {
  dense: TrainedModel;
  dataset: Dataset;
  modeNames: string[];
  profile: DeviceProfile;
  accuracyImages: number;
  /** Where float32 per-mode accuracy comes from; by default the device runtime on `accuracyImages` validation images. */
  accuracy?: AccuracyEstimator;
  /** Training images int8 activation scales are calibrated on (default 16). */
  calibrationImages?: number;
  fineTune?: { epochs: number; batchSize: number; learningRate: number; seed: number; lossWeights: number[]; trainCount: number };
}

export class AnalyticEvaluator implements Evaluator {
  /** The cost model prices every number and kernel format. */
  readonly supports: EvaluatorSupport = { numberFormats: ['float32', 'int8'], kernelFormats: ['dense', 'rowPrefixSparse', 'block1x4'] };
  private orders: Uint32Array[] | undefined;
  private readonly geometry: NetworkGeometry;
  private readonly calibration: Uint8Array[];

  constructor(private readonly o: AnalyticEvaluatorOptions) {
    this.geometry = networkGeometry(o.dense.spec);
    this.calibration = splitInputs(o.dataset.train, o.calibrationImages ?? 16);
  }

  async evaluate(candidate: Candidate, signal?: AbortSignal): Promise<Evaluation> {
    requireFeasible(candidate, { geometry: this.geometry, supports: this.supports });
    this.orders ??= magnitudeOrders(this.o.dense);
    const keep = candidateKeep(this.o.dense, candidate, this.orders);
    const tuned = this.o.fineTune ? await fineTuneJoint(this.o.dense, keep, this.o.dataset, { ...this.o.fineTune, signal }) : this.o.dense;
    const { bytes, pkg } = candidatePackage(tuned, candidate, { name: 'predicted', modeNames: this.o.modeNames, calibration: this.calibration, keep });
    const dtype = numberFormatOf(candidate);
    const estimated = dtype === 'float32' && this.o.accuracy ? await this.o.accuracy.estimate(candidate, signal) : undefined;
    return {
      candidate,
      costSource: 'predicted',
      packageBytes: bytes.length,
      modes: pkg.modes.map((m, k) => {
        const model = dtype === 'int8' ? extractInt8(pkg, k) : extract(pkg, k);
        const cost = estimateInference(this.o.profile, model.ops, model.inputLength, dtype);
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
