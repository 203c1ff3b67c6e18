/**
 * The runtime bench on the trained models (bench/models/, from `npm run models -w search`): per
 * mode accuracy on the 1,000-image test subset, host speed against the same network trained dense
 * and run by our dense kernel, cost-model cycles, extraction overhead, sizes, and the mode-policy
 * table with every mode priced by the current cost model.
 */
import type { LoadedBenchModel, BenchModels } from './bench-models.js';
import { createWorkspace, extract, type RunnableModel } from '../runtime/extract.js';
import { argmax } from '../runtime/kernels.js';
import { estimateInference, getProfile } from '../cost/cost-model.js';
import { writePackage } from '../format/writer.js';
import { singleModeSpec, specFromPackage } from '../format/decode-spec.js';
import type { ModeCost } from '../policy/mode-policy.js';
import { POLICY_SCENARIOS, policyTable } from './policy-table.js';
import { geomean, median, timePerCall } from './timing.js';

/** Cost model the policy table prices modes with: the Cortex-M4F (float32 in hardware). */
export const POLICY_PROFILE = 'stm32l476-m4f';

function accuracy(model: RunnableModel, test: BenchModels['test']): number {
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    if (argmax(model.runUint8(test.images.subarray(i * test.features, (i + 1) * test.features))) === test.labels[i]) correct++;
  }
  return correct / test.count;
}

export function benchTrainedNetwork(n: LoadedBenchModel, test: BenchModels['test'], writerProfile: string) {
  const { shared, dense } = n;
  const ws = createWorkspace(shared);
  const models = shared.modes.map((_, m) => extract(shared, m, ws));
  const denseModel = extract(dense, 0);
  const x = Float32Array.from(test.images.subarray(0, test.features), (v) => v / 255);
  const tDense: number[] = [];
  const tModes: number[][] = models.map(() => []);
  for (let r = 0; r < 9; r++) {
    tDense.push(timePerCall(() => denseModel.run(x)));
    models.forEach((m, k) => tModes[k]!.push(timePerCall(() => m.run(x))));
  }
  const denseUs = median(tDense) * 1e3;
  const sparsest = models.length - 1;
  const extractUs = median(Array.from({ length: 9 }, () => timePerCall(() => extract(shared, sparsest, ws)))) * 1e3;
  const msp = getProfile('msp430fr5994');
  const m4 = getProfile(POLICY_PROFILE);
  const cyc = (p: typeof m4, m: RunnableModel) => estimateInference(p, m.ops, test.features).cycles;
  const denseAccuracy = accuracy(denseModel, test);
  const modes = models.map((m, k) => {
    const us = median(tModes[k]!) * 1e3;
    return {
      mode: k,
      sparsity: shared.modes[k]!.sparsity,
      accuracy: accuracy(m, test),
      tfjsAccuracy: n.tfjsAccuracy[k] ?? null,
      hostUs: us,
      hostSpeedup: denseUs / us,
      cycleSpeedup: cyc(msp, denseModel) / cyc(msp, m),
      cycleSpeedupM4F: cyc(m4, denseModel) / cyc(m4, m),
    };
  });
  const spec = specFromPackage(shared);
  const single = shared.modes.map((_, k) => writePackage(singleModeSpec(spec, k), { profile: getProfile(writerProfile) }).length);
  const price = (m: RunnableModel, acc: number): ModeCost => {
    const c = estimateInference(m4, m.ops, test.features);
    return { energyJ: c.energyJ, latencyS: c.seconds, accuracy: acc };
  };
  const modeCosts = models.map((m, k) => price(m, modes[k]!.accuracy));
  const denseCost = price(denseModel, denseAccuracy);
  return {
    network: n.network,
    weights: 'trained',
    kernelFormats: shared.layers.flatMap((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? [l.format] : [])),
    denseAccuracy,
    denseHostUs: denseUs,
    modes,
    geomeanHostSpeedup: geomean(modes.map((m) => m.hostSpeedup)),
    geomeanCycleSpeedup: geomean(modes.map((m) => m.cycleSpeedup)),
    geomeanCycleSpeedupM4F: geomean(modes.map((m) => m.cycleSpeedupM4F)),
    extractUs,
    extractionOverhead: extractUs / (median(tModes[sparsest]!) * 1e3),
    packageBytes: shared.stats.packageBytes,
    densestModeBytes: single[0]!,
    separateModelsBytes: single.reduce((a, b) => a + b, 0),
    denseModelBytes: dense.stats.packageBytes,
    policyProfile: POLICY_PROFILE,
    policyModeCosts: { modes: modeCosts, denseUnpruned: denseCost },
    policy: POLICY_SCENARIOS.map((scenario) => ({ scenario, rows: policyTable(modeCosts, denseCost, m4.sleepCurrentA * m4.nominalVoltageV, scenario) })),
  };
}
