/**
 * The search phase of the training benchmark: sandwich supernet from the benchmark's dense model,
 * 200 evaluations on the supernet with predicted costs, joint fine-tuning of the winner, then the
 * winner's per-mode test accuracy and sparsity against the targets. Durable like `eve search`:
 * rerunning the benchmark resumes an interrupted search.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { runSearchPipeline } from '../pipeline/search-pipeline.js';
import type { TrainedModel } from '../train/trained-model.js';
import type { Augment } from '../train/augment.js';

/**
 * `maxDropPoints` is the target, judged after fine-tuning; the search's feasibility floors
 * (`searchDrop`) are looser because supernet estimates come before fine-tuning recovers accuracy.
 * Sparsities stop at 0.95 per layer: in the first run, 0.98 choices made the sandwich's sparsest
 * configuration (3 of conv1's 150 weights) hopeless and its gradients wrecked the shared weights.
 */
export interface SearchRecipe {
  maxDropPoints: number;
  searchDrop: number[];
  supernetEpochs: number;
  fineTuneEpochs: number;
  /** Winners are pruned gradually from the supernet's weights, the sparsity ramping over this many of the fine-tuning epochs. */
  rampEpochs: number;
  trainCount: number;
  /** Fine-tuning loss weights per mode (default the paper's 0.5/0.3/0.2); they also weigh the modes in the search's score. */
  lossWeights?: number[];
  /** Random pixel shifts while fine-tuning. */
  augment?: Augment;
  /** Per weighted layer, the most sparsity the search (and the supernet) may give it; null: any choice. */
  sparsityCaps?: (number | null)[];
}

/**
 * The first run (1 supernet epoch, 2 epochs of one-shot joint fine-tuning, no distillation) left
 * LeNet-5's modes 0.7-6.1 points below dense; the supernet and the winners now learn from the dense
 * model (DISTILL) and the winners are pruned gradually, as the bench models are. With 2 supernet
 * epochs, no caps and 5 fine-tuning epochs LeNet-5's winner lost 0.43 / 1.10 / 1.57 points: its
 * first convolution (150 weights) and 10-way output could go to 95 %, the supernet read 80-89 %
 * where fine-tuning reached 98.7 %, and the winner got 5 epochs where the bench models get 12. Now
 * LeNet-5's first conv and output layer are capped (conv1 at 85 %, as recipe C's sparsest
 * mode; the output at 70 %), the supernet trains 4 epochs, and the winner is pruned with the bench
 * models' recipe C (12 epochs; train-models.ts has why the bench models now train 20).
 */
export const SEARCH_RECIPES: Record<string, SearchRecipe> = {
  'lenet-5': {
    maxDropPoints: 0.5, searchDrop: [1, 1.5, 2], supernetEpochs: 4, trainCount: 55_000,
    fineTuneEpochs: 12, rampEpochs: 5, lossWeights: [0.25, 0.25, 0.5], augment: { maxShift: 2 }, sparsityCaps: [0.85, null, null, null, 0.7],
  },
  'lenet-300-100': { maxDropPoints: 1.0, searchDrop: [1.5, 2, 2.5], supernetEpochs: 2, fineTuneEpochs: 5, rampEpochs: 3, trainCount: 55_000 },
};

const DISTILL = { temperature: 4, alpha: 0.7 };
/** Issue 4's target sparsities: the search refuses candidates below them, so its winner can meet them. */
const SPARSITY_FLOORS = [0.5, 0.8, 0.92];

export interface SearchFigures {
  network: string;
  evaluations: number;
  feasible: number;
  denseTestAccuracy: number;
  winner: Array<{ sparsity: number; testAccuracy: number; dropPoints: number; energyUj: number }> | null;
  /** Target: three modes at >= 50 / 80 / 92 % sparsity, each within maxDropPoints of dense. */
  meetsTarget: boolean;
  seconds: { supernet: number; search: number; fineTune: number };
}

export async function searchFigures(network: string, dense: TrainedModel, data: Dataset, dir: string, seed: number, log: (s: string) => void): Promise<SearchFigures> {
  const r = SEARCH_RECIPES[network]!;
  const outDir = join(dir, `${network}-search`);
  mkdirSync(outDir, { recursive: true });
  const report = await runSearchPipeline({
    dataset: data, network, seed, profile: 'stm32l476-m4f', pretrained: dense,
    dense: { epochs: 0, batchSize: 64, learningRate: 0.001 },
    supernet: { epochs: r.supernetEpochs, batchSize: 64, learningRate: 0.0003, randomConfigs: 2, trainCount: r.trainCount, distill: DISTILL },
    search: { strategy: 'evolution', budget: 200, modes: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95], accuracyImages: 1000, maxDrop: r.searchDrop, sparsityFloors: SPARSITY_FLOORS, ...(r.sparsityCaps ? { space: { sparsityCaps: r.sparsityCaps } } : {}) },
    fineTune: { epochs: r.fineTuneEpochs, batchSize: 64, learningRate: 0.001, lrDecay: 0.8, winners: 1, trainCount: r.trainCount, distill: DISTILL, gradual: { rampEpochs: r.rampEpochs, maskEvery: 50 }, lossWeights: r.lossWeights, augment: r.augment },
    outDir, resume: existsSync(join(outDir, 'journal.jsonl')),
    fingerprint: `bench ${network} seed ${seed} ${JSON.stringify({ ...r, sparsityFloors: SPARSITY_FLOORS })}`,
    log: (s) => { if (!/batch (?!1\/)\d+\//.test(s) || /epoch \d+ batch (\d+)\/\1 /.test(s)) log(`${network}: ${s}`); },
  });
  const winner = report.winner?.modes.map((m) => ({ sparsity: m.sparsity, testAccuracy: m.accuracy, dropPoints: (report.dense.testAccuracy - m.accuracy) * 100, energyUj: m.energyUj })) ?? null;
  return {
    network,
    evaluations: report.evaluations.length,
    feasible: report.evaluations.filter((e) => e.score.feasible).length,
    denseTestAccuracy: report.dense.testAccuracy,
    winner,
    meetsTarget: !!winner && winner.length === 3 && winner.every((m, k) => m.sparsity >= SPARSITY_FLOORS[k]! && m.dropPoints <= r.maxDropPoints),
    seconds: { supernet: report.seconds.supernet, search: report.seconds.search, fineTune: report.seconds.fineTune },
  };
}
