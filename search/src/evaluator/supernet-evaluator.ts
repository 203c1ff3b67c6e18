/**
 * The predicted-cost Evaluator on a sandwich supernet: accuracy per mode from the
 * `SupernetAccuracyEstimator` (no per-candidate fine-tuning), latency and energy from
 * device-agent's cost model on the very package the candidate would ship as.
 */
import { estimateInference, extract, readPackage, writePackage, type DeviceProfile } from '@eve-bench/device-agent';
import type { Candidate } from '../space/search-space.js';
import { toModelSpec } from '../prune/to-model-spec.js';
import type { SupernetAccuracyEstimator } from '../supernet/supernet-estimator.js';
import type { Supernet } from '../supernet/sandwich.js';
import type { Evaluation, Evaluator } from './evaluator.js';

export class SupernetEvaluator implements Evaluator {
  constructor(private readonly supernet: Supernet, private readonly estimator: SupernetAccuracyEstimator, private readonly profile: DeviceProfile, private readonly modeNames: string[]) {}

  async evaluate(candidate: Candidate, signal?: AbortSignal): Promise<Evaluation> {
    signal?.throwIfAborted();
    const keep = this.estimator.keep(candidate);
    const bytes = writePackage(toModelSpec(this.supernet.model, keep, { name: 'candidate', modeNames: this.modeNames }));
    const pkg = readPackage(bytes);
    const accuracy = this.estimator.estimate(candidate);
    // yield between candidates so progress output and signals get through
    await new Promise((r) => setImmediate(r));
    return {
      candidate,
      costSource: 'predicted',
      packageBytes: bytes.length,
      modes: pkg.modes.map((m, k) => {
        const cost = estimateInference(this.profile, extract(pkg, k).ops, extract(pkg, k).inputLength);
        return { accuracy: accuracy[k]!, latencyUs: cost.seconds * 1e6, energyUj: cost.energyJ * 1e6, sparsity: m.sparsity };
      }),
    };
  }
}
