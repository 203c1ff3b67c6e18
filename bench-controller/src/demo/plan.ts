import type { Precision } from '../measure/energy-window.js';

/**
 * How big a demo run is. The full run is sized to finish in under five minutes on two cores;
 * --quick in about a minute, for the end-to-end test. Every figure the demo reports is measured
 * with these sizes; none is scaled or extrapolated.
 */
export interface DemoPlan {
  network: string;
  trainCount: number;
  valCount: number;
  testCount: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Candidates the search evaluates (each: joint fine-tune, package, deploy, measure). */
  searchBudget: number;
  candidateFineTune: { epochs: number; trainCount: number };
  finalFineTune: { epochs: number };
  /** Inferences per energy/latency window on a board. */
  windowInferences: number;
  /** How precisely candidates' and the final modes' energy is measured (windows repeat until reached or capped). */
  searchPrecision: Precision;
  finalPrecision: Precision;
  /** Validation images per candidate accuracy (device runtime on the host). */
  accuracyImages: number;
  /** Test images each board classifies per mode for the final table. */
  boardTestImages: number;
  /** Sparsest modes must stay within these accuracy drops (points) of the dense model. */
  maxDropPoints: number[];
  modeNames: string[];
  lossWeights: number[];
  sparsityChoices: number[];
}

const common = {
  network: 'mlp-small',
  batchSize: 64,
  learningRate: 0.002,
  modeNames: ['high', 'mid', 'low'],
  lossWeights: [0.5, 0.3, 0.2],
  sparsityChoices: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95],
};

export function demoPlan(quick: boolean): DemoPlan {
  return quick
    ? {
        ...common,
        trainCount: 8000, valCount: 1000, testCount: 1000, epochs: 3,
        searchBudget: 6, candidateFineTune: { epochs: 1, trainCount: 4000 }, finalFineTune: { epochs: 2 },
        windowInferences: 16, accuracyImages: 1000, boardTestImages: 300,
        searchPrecision: { relative: 0.1, minWindows: 1, maxWindows: 1 }, finalPrecision: { relative: 0.05, minWindows: 1, maxWindows: 3 },
        maxDropPoints: [2, 4, 8],
      }
    : {
        ...common,
        trainCount: 30000, valCount: 2000, testCount: 2000, epochs: 4,
        searchBudget: 16, candidateFineTune: { epochs: 1, trainCount: 10000 }, finalFineTune: { epochs: 3 },
        windowInferences: 40, accuracyImages: 2000, boardTestImages: 1000,
        searchPrecision: { relative: 0.05, minWindows: 1, maxWindows: 5 }, finalPrecision: { relative: 0.02, minWindows: 1, maxWindows: 10 },
        maxDropPoints: [1, 2.5, 4],
      };
}
