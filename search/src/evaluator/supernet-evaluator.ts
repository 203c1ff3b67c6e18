/**
 * The predicted-cost Evaluator on a sandwich supernet: accuracy per mode measured on the
 * supernet's shared weights (no per-candidate fine-tuning), latency and energy from device-agent's
 * cost model on the very package the candidate would ship as (candidatePackage), in its number
 * format. Unstructured layers are masked by the supernet's ranks (what sandwich training shaped);
 * 1x4-block and output-channel layers by their granularity's magnitude masks on the supernet's
 * weights; int8 candidates' accuracy comes from the int8 runtime on the quantized package.
 */
import { EveError, estimateInference, extract, extractInt8, type DeviceProfile } from '@eve-bench/device-agent';
import type { Split } from '../data/dataset.js';
import { candidateKeep } from '../prune/candidate-keep.js';
import { granularityOf, kernelOf, numberFormatOf, type Candidate } from '../space/candidate.js';
import type { EvaluatorSupport } from '../space/decode.js';
import type { SupernetAccuracyEstimator } from '../supernet/supernet-estimator.js';
import type { Supernet } from '../supernet/sandwich.js';
import type { TrainedModel } from '../train/trained-model.js';
import { evaluateAccuracy } from '../train/train-dense.js';
import { candidatePackage } from './candidate-package.js';
import type { Evaluation, Evaluator, ModeEvaluation } from './evaluator.js';
import { runtimeAccuracy } from './runtime-accuracy.js';

/** Latency, energy and sparsity of each mode of the package `model` + `keep` ships as for candidate `c`, and its size. */
export function packageCosts(model: TrainedModel, c: Candidate, keep: Int8Array[], profile: DeviceProfile, modeNames: string[], calibration?: readonly Uint8Array[]): { packageBytes: number; pkg: ReturnType<typeof candidatePackage>['pkg']; modes: Array<Omit<ModeEvaluation, 'accuracy'>> } {
  const { bytes, pkg } = candidatePackage(model, c, { name: 'candidate', modeNames, keep, calibration });
  const dtype = numberFormatOf(c);
  return {
    packageBytes: bytes.length,
    pkg,
    modes: pkg.modes.map((m, k) => {
      const run = dtype === 'int8' ? extractInt8(pkg, k) : extract(pkg, k);
      const cost = estimateInference(profile, run.ops, run.inputLength, dtype);
      return { latencyUs: cost.seconds * 1e6, energyUj: cost.energyJ * 1e6, sparsity: m.sparsity };
    }),
  };
}

export interface SupernetEvaluatorOptions {
  /** Validation split and images for candidates the rank estimator cannot score (structured, int8). */
  val?: Split;
  accuracyImages?: number;
  /** Inputs int8 candidates are calibrated on. */
  calibration?: readonly Uint8Array[];
}

export class SupernetEvaluator implements Evaluator {
  readonly supports: EvaluatorSupport;

  constructor(private readonly supernet: Supernet, private readonly estimator: SupernetAccuracyEstimator, private readonly profile: DeviceProfile, private readonly modeNames: string[], private readonly o: SupernetEvaluatorOptions = {}) {
    this.supports = { numberFormats: o.calibration?.length && o.val ? ['float32', 'int8'] : ['float32'], kernelFormats: ['dense', 'rowPrefixSparse', 'block1x4'] };
  }

  /** The candidate's nested masks on the supernet (see the header). */
  keep(c: Candidate): Int8Array[] {
    const ranked = this.estimator.keep({ sparsity: c.sparsity.map((row) => row.map((s, l) => (kernelOf(c, l) === 'dense' ? 0 : s))) });
    const structured = (l: number) => kernelOf(c, l) === 'sparse' && granularityOf(c, l) !== 'unstructured';
    if (!ranked.some((_, l) => structured(l))) return ranked;
    const byGranularity = candidateKeep(this.supernet.model, c);
    return ranked.map((k, l) => (structured(l) ? byGranularity[l]! : k));
  }

  async evaluate(candidate: Candidate, signal?: AbortSignal): Promise<Evaluation> {
    signal?.throwIfAborted();
    const keep = this.keep(candidate);
    const costs = packageCosts(this.supernet.model, candidate, keep, this.profile, this.modeNames, this.o.calibration);
    const plain = numberFormatOf(candidate) === 'float32' && keep.every((_, l) => kernelOf(candidate, l) === 'dense' || granularityOf(candidate, l) === 'unstructured');
    const val = this.o.val;
    const n = Math.min(this.o.accuracyImages ?? val?.count ?? 0, val?.count ?? 0);
    const subset = val && { images: val.images.subarray(0, n * (val.images.length / Math.max(1, val.count))), labels: val.labels.subarray(0, n), count: n };
    let accuracy: number[];
    if (plain) accuracy = this.estimator.estimateNow({ sparsity: candidate.sparsity.map((row) => row.map((s, l) => (kernelOf(candidate, l) === 'dense' ? 0 : s))) });
    else if (!subset) throw new EveError('EVALUATOR_OPTIONS', 'scoring a block, channel or int8 candidate on the supernet needs the validation split (options.val)');
    else if (numberFormatOf(candidate) === 'int8') accuracy = costs.modes.map((_, k) => runtimeAccuracy(costs.pkg, k, subset));
    else accuracy = costs.modes.map((_, k) => evaluateAccuracy(this.supernet.model, subset, keep, k));
    // yield between candidates so progress output and signals get through
    await new Promise((r) => setImmediate(r));
    return { candidate, costSource: 'predicted', packageBytes: costs.packageBytes, modes: costs.modes.map((m, k) => ({ ...m, accuracy: accuracy[k]! })) };
  }
}
