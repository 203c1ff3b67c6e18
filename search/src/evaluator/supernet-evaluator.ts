/**
 * The predicted-cost Evaluator on a sandwich supernet: accuracy per mode from the
 * `SupernetAccuracyEstimator` (no per-candidate fine-tuning), latency and energy from
 * device-agent's cost model on the very package the candidate would ship as.
 */
import { estimateInference, extract, readPackage, writePackage, type DeviceProfile } from '@eve-bench/device-agent';
import type { Candidate } from '../space/candidate.js';
import { toModelSpec } from '../prune/to-model-spec.js';
import type { SupernetAccuracyEstimator } from '../supernet/supernet-estimator.js';
import type { Supernet } from '../supernet/sandwich.js';
import type { Evaluation, Evaluator, ModeEvaluation } from './evaluator.js';
import type { TrainedModel } from '../train/trained-model.js';

/** Latency, energy and sparsity of each mode of the package `model` + `keep` would ship as, and its size. */
export function packageCosts(model: TrainedModel, keep: Int8Array[], profile: DeviceProfile, modeNames: string[]): { packageBytes: number; modes: Array<Omit<ModeEvaluation, 'accuracy'>> } {
  const bytes = writePackage(toModelSpec(model, keep, { name: 'candidate', modeNames }));
  const pkg = readPackage(bytes);
  return {
    packageBytes: bytes.length,
    modes: pkg.modes.map((m, k) => {
      const run = extract(pkg, k);
      const cost = estimateInference(profile, run.ops, run.inputLength);
      return { latencyUs: cost.seconds * 1e6, energyUj: cost.energyJ * 1e6, sparsity: m.sparsity };
    }),
  };
}

export class SupernetEvaluator implements Evaluator {
  constructor(private readonly supernet: Supernet, private readonly estimator: SupernetAccuracyEstimator, private readonly profile: DeviceProfile, private readonly modeNames: string[]) {}

  async evaluate(candidate: Candidate, signal?: AbortSignal): Promise<Evaluation> {
    signal?.throwIfAborted();
    const costs = packageCosts(this.supernet.model, this.estimator.keep(candidate), this.profile, this.modeNames);
    const accuracy = this.estimator.estimateNow(candidate);
    // yield between candidates so progress output and signals get through
    await new Promise((r) => setImmediate(r));
    return { candidate, costSource: 'predicted', packageBytes: costs.packageBytes, modes: costs.modes.map((m, k) => ({ ...m, accuracy: accuracy[k]! })) };
  }
}
