/**
 * The runtime bench on the trained models (bench/models/, from `npm run models -w search`): per
 * mode accuracy on the full 10,000-image MNIST test set when it is installed (the models' 1,000-image
 * subset otherwise; its standard error, ~0.4 points, is larger than the gaps between modes, and the
 * policy table prices modes by these accuracies), host speed against the same network trained dense
 * and run by our dense kernel, cost-model cycles, extraction overhead, sizes, and the mode-policy
 * table with every mode priced by the current cost model.
 */
import type { LoadedBenchModel, BenchModels } from './bench-models.js';
import type { RunnableModel } from '../runtime/extract.js';
import { argmax } from '../runtime/kernels.js';
import { estimateInference, getProfile } from '../cost/cost-model.js';
import { writePackage } from '../format/writer.js';
import { singleModeSpec, specFromPackage } from '../format/decode-spec.js';
import type { ModeCost } from '../policy/mode-policy.js';
import { POLICY_SCENARIOS, policyTable } from './policy-table.js';
import { measureNetworkSpeed } from './network-speed.js';

/** Cost model the policy table prices modes with: the Cortex-M4F (float32 in hardware). */
export const POLICY_PROFILE = 'stm32l476-m4f';

function accuracy(model: RunnableModel, test: BenchModels['test']): number {
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    if (argmax(model.runUint8(test.images.subarray(i * test.features, (i + 1) * test.features))) === test.labels[i]) correct++;
  }
  return correct / test.count;
}

/**
 * `test` is the models' own subset (the input timed, and the accuracy TensorFlow.js reported);
 * `accuracySet` the images every accuracy column and the policy's prices are measured on.
 */
export function benchTrainedNetwork(n: LoadedBenchModel, test: BenchModels['test'], accuracySet: BenchModels['test'], writerProfile: string) {
  const { shared, dense } = n;
  const x = Float32Array.from(test.images.subarray(0, test.features), (v) => v / 255);
  const spec = specFromPackage(shared);
  const single = shared.modes.map((_, k) => writePackage(singleModeSpec(spec, k), { profile: getProfile(writerProfile) }).length);
  const speed = measureNetworkSpeed(shared, dense, x, single);
  const denseAccuracy = accuracy(speed.denseModel, accuracySet);
  const modes = speed.modes.map((m, k) => ({
    ...m,
    accuracy: accuracy(speed.models[k]!, accuracySet),
    // cross-check: the runtime and TensorFlow.js on the same subset
    subsetAccuracy: accuracy(speed.models[k]!, test),
    tfjsAccuracy: n.tfjsAccuracy[k] ?? null,
  }));
  const m4 = getProfile(POLICY_PROFILE);
  const price = (m: RunnableModel, acc: number): ModeCost => {
    const c = estimateInference(m4, m.ops, test.features);
    return { energyJ: c.energyJ, latencyS: c.seconds, accuracy: acc };
  };
  const modeCosts = speed.models.map((m, k) => price(m, modes[k]!.accuracy));
  const denseCost = price(speed.denseModel, denseAccuracy);
  return {
    network: n.network,
    weights: 'trained',
    denseAccuracy,
    accuracyImages: accuracySet.count,
    ...speed.summary,
    modes,
    policyProfile: POLICY_PROFILE,
    policyModeCosts: { modes: modeCosts, denseUnpruned: denseCost },
    policy: POLICY_SCENARIOS.map((scenario) => ({ scenario, rows: policyTable(modeCosts, denseCost, m4.sleepCurrentA * m4.nominalVoltageV, scenario) })),
  };
}
