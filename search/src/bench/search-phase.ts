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

// Supernet and fine-tuning see 20,000 training images each: what fits the 60-minute budget on 2 shared cores.
export const SEARCH_RECIPES: Record<string, { maxDropPoints: number; supernetEpochs: number; fineTuneEpochs: number; trainCount: number }> = {
  'lenet-5': { maxDropPoints: 0.5, supernetEpochs: 1, fineTuneEpochs: 1, trainCount: 20_000 },
  'lenet-300-100': { maxDropPoints: 1.0, supernetEpochs: 1, fineTuneEpochs: 1, trainCount: 20_000 },
};

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
    supernet: { epochs: r.supernetEpochs, batchSize: 64, learningRate: 0.0005, randomConfigs: 2, trainCount: r.trainCount },
    search: { strategy: 'evolution', budget: 200, modes: 3, choices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.96, 0.98], accuracyImages: 1000, maxDrop: [r.maxDropPoints, r.maxDropPoints, r.maxDropPoints] },
    fineTune: { epochs: r.fineTuneEpochs, batchSize: 64, learningRate: 0.0003, winners: 1, trainCount: r.trainCount },
    outDir, resume: existsSync(join(outDir, 'journal.jsonl')),
    fingerprint: `bench ${network} seed ${seed} ${JSON.stringify(r)}`,
    log: (s) => { if (!/batch (?!1\/)\d+\//.test(s) || /epoch \d+ batch (\d+)\/\1 /.test(s)) log(`${network}: ${s}`); },
  });
  const winner = report.winner?.modes.map((m) => ({ sparsity: m.sparsity, testAccuracy: m.accuracy, dropPoints: (report.dense.testAccuracy - m.accuracy) * 100, energyUj: m.energyUj })) ?? null;
  const floors = [0.5, 0.8, 0.92];
  return {
    network,
    evaluations: report.evaluations.length,
    feasible: report.evaluations.filter((e) => e.score.feasible).length,
    denseTestAccuracy: report.dense.testAccuracy,
    winner,
    meetsTarget: !!winner && winner.length === 3 && winner.every((m, k) => m.sparsity >= floors[k]! && m.dropPoints <= r.maxDropPoints),
    seconds: { supernet: report.seconds.supernet, search: report.seconds.search, fineTune: report.seconds.fineTune },
  };
}
