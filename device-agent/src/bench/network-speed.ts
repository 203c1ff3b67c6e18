/**
 * What both runtime benches (trained models and the random-weight fallback) measure the same way:
 * host time (process CPU time) of the dense model and of every mode (medians of interleaved repetitions, one workspace
 * per package as a board allocates at deploy), extraction time, cost-model cycles on the MSP430
 * and the M4F, and the sizes that put the shared package next to the modes stored separately.
 */
import type { EvePackage } from '../format/package-types.js';
import { createWorkspace, extract, type RunnableModel } from '../runtime/extract.js';
import { estimateInference, getProfile } from '../cost/cost-model.js';
import { cpuClockMs, geomean, median, timePerCall } from './timing.js';

export interface ModeSpeed {
  mode: number;
  sparsity: number;
  hostUs: number;
  hostSpeedup: number;
  cycleSpeedup: number;
  cycleSpeedupM4F: number;
}

export function measureNetworkSpeed(shared: EvePackage, dense: EvePackage, x: Float32Array, separateModeBytes: readonly number[]) {
  const ws = createWorkspace(shared);
  const models: RunnableModel[] = shared.modes.map((_, m) => extract(shared, m, ws));
  const denseModel = extract(dense, 0);
  const tDense: number[] = [];
  const tModes: number[][] = models.map(() => []);
  for (let r = 0; r < 9; r++) {
    tDense.push(timePerCall(() => denseModel.run(x), 40, cpuClockMs));
    models.forEach((m, k) => tModes[k]!.push(timePerCall(() => m.run(x), 40, cpuClockMs)));
  }
  const denseUs = median(tDense) * 1e3;
  const sparsest = models.length - 1;
  const extractUs = median(Array.from({ length: 9 }, () => timePerCall(() => extract(shared, sparsest, ws), 40, cpuClockMs))) * 1e3;
  const msp = getProfile('msp430fr5994');
  const m4 = getProfile('stm32l476-m4f');
  const cyc = (p: typeof m4, m: RunnableModel) => estimateInference(p, m.ops, x.length).cycles;
  const modes: ModeSpeed[] = models.map((m, k) => {
    const us = median(tModes[k]!) * 1e3;
    return {
      mode: k,
      sparsity: shared.modes[k]!.sparsity,
      hostUs: us,
      hostSpeedup: denseUs / us,
      cycleSpeedup: cyc(msp, denseModel) / cyc(msp, m),
      cycleSpeedupM4F: cyc(m4, denseModel) / cyc(m4, m),
    };
  });
  return {
    models,
    denseModel,
    summary: {
      kernelFormats: shared.layers.flatMap((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? [l.format] : [])),
      denseHostUs: denseUs,
      geomeanHostSpeedup: geomean(modes.map((m) => m.hostSpeedup)),
      geomeanCycleSpeedup: geomean(modes.map((m) => m.cycleSpeedup)),
      geomeanCycleSpeedupM4F: geomean(modes.map((m) => m.cycleSpeedupM4F)),
      extractUs,
      extractionOverhead: extractUs / modes[sparsest]!.hostUs,
      packageBytes: shared.stats.packageBytes,
      densestModeBytes: separateModeBytes[0]!,
      separateModelsBytes: separateModeBytes.reduce((a, b) => a + b, 0),
      denseModelBytes: dense.stats.packageBytes,
    },
    modes,
  };
}
