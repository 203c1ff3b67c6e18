/**
 * Fallback when no trained models exist: He-initialised random weights with nested magnitude masks
 * at 50/80/90 %. It measures speed and sizes only — no accuracy, so no policy table either.
 */
import { writePackage } from '../format/writer.js';
import { readPackage } from '../format/reader.js';
import type { ModelSpec } from '../format/model-spec.js';
import { createWorkspace, extract, type RunnableModel } from '../runtime/extract.js';
import { estimateInference, getProfile } from '../cost/cost-model.js';
import { mulberry32 } from '../harvest/generators.js';
import { geomean, median, timePerCall } from './timing.js';

export const SPARSITY = [0.5, 0.8, 0.9];
export const RANDOM_NETWORKS: Record<string, number[]> = { 'lenet-300-100': [784, 300, 100, 10], 'mlp-small': [784, 128, 64, 10] };

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
}

/** Random network; keep[i] by per-layer magnitude rank: nested by construction. */
export function randomMagnitudeSpec(dims: number[], modes: number[], format: 'dense' | 'rowPrefixSparse', seed: number): ModelSpec {
  const u = mulberry32(seed);
  const layers: ModelSpec['layers'] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const [cin, cout] = [dims[l]!, dims[l + 1]!];
    const weights = Float32Array.from({ length: cin * cout }, () => gaussian(u) * Math.sqrt(2 / cin));
    const order = Array.from(weights.keys()).sort((a, b) => Math.abs(weights[b]!) - Math.abs(weights[a]!));
    const keep = new Int8Array(weights.length).fill(-1);
    for (let m = modes.length - 1; m >= 0; m--) {
      const kept = Math.round(weights.length * (1 - modes[m]!));
      for (let r = 0; r < kept; r++) if (keep[order[r]!] === -1) keep[order[r]!] = m;
    }
    layers.push({ kind: 'dense', inFeatures: cin, outFeatures: cout, weights, bias: new Float32Array(cout), keep, format });
    if (l + 2 < dims.length) layers.push({ kind: 'relu' });
  }
  return { name: 'bench', input: [1, 1, dims[0]!], outputs: dims[dims.length - 1]!, modes: modes.map((_, i) => ({ name: `m${i}` })), layers };
}

export function benchRandomNetwork(name: string, dims: number[]) {
  const x = Float32Array.from({ length: dims[0]! }, (_, i) => (i % 7) / 7);
  const shared = readPackage(writePackage(randomMagnitudeSpec(dims, SPARSITY, 'rowPrefixSparse', 1)));
  const dense = readPackage(writePackage(randomMagnitudeSpec(dims, [0], 'dense', 1)));
  const ws = createWorkspace(shared); // allocated once per package, as a board does at deploy
  const models: RunnableModel[] = shared.modes.map((_, m) => extract(shared, m, ws));
  const denseModel = extract(dense, 0);
  const tDense: number[] = [];
  const tModes: number[][] = models.map(() => []);
  for (let r = 0; r < 9; r++) {
    tDense.push(timePerCall(() => denseModel.run(x)));
    models.forEach((m, k) => tModes[k]!.push(timePerCall(() => m.run(x))));
  }
  const denseUs = median(tDense) * 1e3;
  const sparsest = models.length - 1;
  const extractUs = median(Array.from({ length: 9 }, () => timePerCall(() => extract(shared, sparsest, ws)))) * 1e3;
  const separate = SPARSITY.map((s) => writePackage(randomMagnitudeSpec(dims, [s], 'rowPrefixSparse', 1)).length);
  const m4 = getProfile('stm32l476-m4f');
  const msp = getProfile('msp430fr5994');
  const cyc = (p: typeof m4, m: RunnableModel) => estimateInference(p, m.ops, dims[0]!).cycles;
  const modes = models.map((m, k) => {
    const us = median(tModes[k]!) * 1e3;
    return {
      mode: k,
      sparsity: shared.modes[k]!.sparsity,
      accuracy: null as number | null,
      hostUs: us,
      hostSpeedup: denseUs / us,
      cycleSpeedup: cyc(msp, denseModel) / cyc(msp, m),
      cycleSpeedupM4F: cyc(m4, denseModel) / cyc(m4, m),
    };
  });
  return {
    network: name,
    weights: 'random',
    kernelFormats: shared.layers.flatMap((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? [l.format] : [])),
    denseHostUs: denseUs,
    modes,
    geomeanHostSpeedup: geomean(modes.map((m) => m.hostSpeedup)),
    geomeanCycleSpeedup: geomean(modes.map((m) => m.cycleSpeedup)),
    geomeanCycleSpeedupM4F: geomean(modes.map((m) => m.cycleSpeedupM4F)),
    extractUs,
    extractionOverhead: extractUs / (median(tModes[sparsest]!) * 1e3),
    packageBytes: shared.stats.packageBytes,
    densestModeBytes: separate[0]!,
    separateModelsBytes: separate.reduce((a, b) => a + b, 0),
    denseModelBytes: dense.stats.packageBytes,
  };
}
