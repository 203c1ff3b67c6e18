/**
 * The search stage of `eve search`, from its options: the genome space (block pruning offered only
 * where a layer's rows split into 1x4 blocks), the strategy, the decoder's device constraints and
 * the score — accuracy floors, then either Σ weighted accuracy per µJ ('energy') or the harvest
 * objective, correct inferences per hour over the bundled traces under each candidate's policy.
 */
import { bundledTraces, DEFAULT_POLICY, type DeviceProfile, type NumberFormat } from '@eve-bench/device-agent';
import type { Evaluation } from '../evaluator/evaluator.js';
import { activationBytesOf, scoreHarvest } from '../objective/harvest-objective.js';
import { scoreEvaluation, type Score, type ScoreOptions } from '../objective/score.js';
import type { Rng } from '../rng/rng.js';
import type { Granularity, LayerKernel } from '../space/candidate.js';
import type { DecodeContext, EvaluatorSupport } from '../space/decode.js';
import { refusedValues } from '../space/refused-values.js';
import { GenomeSpace, type PolicyChoices } from '../space/genome-space.js';
import type { NetworkGeometry } from '../space/network-geometry.js';
import { EvolutionStrategy } from '../strategy/evolution-strategy.js';
import { Nsga2Strategy } from '../strategy/nsga2-strategy.js';
import { RandomStrategy } from '../strategy/random-strategy.js';
import { ReinforceStrategy } from '../strategy/reinforce-strategy.js';
import type { SearchStrategy } from '../strategy/search-strategy.js';

export type StrategyName = 'random' | 'evolution' | 'nsga2' | 'reinforce';

export interface SearchStageOptions {
  strategy: StrategyName;
  budget: number;
  modes: number;
  choices: number[];
  accuracyImages: number;
  maxDrop: number[];
  /** Least overall weight sparsity per mode (e.g. [0.5, 0.8, 0.92]): the decoder refuses a candidate below one (default: none). */
  sparsityFloors?: number[];
  /** What else is searched besides sparsity (default: unstructured, sparse kernels, float32, no policy). */
  space?: { granularities?: Granularity[]; kernels?: LayerKernel[]; numberFormats?: NumberFormat[]; policy?: PolicyChoices; sparsityCaps?: (number | null)[] };
  /** 'energy' (default) or 'harvest'. */
  objective?: 'energy' | 'harvest';
  /** The storage capacitor the harvest objective simulates. */
  harvest?: { capacitanceF: number; maxV: number; brownOutV: number };
}

export interface DeviceBudget {
  /** Package budget (default: the profile's non-volatile memory). */
  weightMemoryBytes?: number;
  /** Activation budget (default: the profile's SRAM). */
  activationMemoryBytes?: number;
  /** Time between requests, every mode's deadline (default 1 s). */
  deadlineS?: number;
}

export function makeSpace(o: SearchStageOptions, geometry: NetworkGeometry): GenomeSpace {
  const wanted = o.space?.granularities ?? ['unstructured'];
  const perLayer = geometry.layers.map((g) => {
    const allowed = wanted.filter((x) => x !== 'block1x4' || g.blockable);
    return allowed.length > 0 ? allowed : ['unstructured' as const];
  });
  return new GenomeSpace({ modes: o.modes, layers: geometry.layers.length, choices: o.choices, granularities: perLayer, kernels: o.space?.kernels, numberFormats: o.space?.numberFormats, policy: o.space?.policy, sparsityCaps: o.space?.sparsityCaps });
}

/** `decoding`: the decoder's context, from which REINFORCE masks what the decoder must refuse. */
export function makeStrategy(name: StrategyName, space: GenomeSpace, rng: Rng, budget: number, decoding: DecodeContext): SearchStrategy {
  const population = Math.max(4, Math.min(20, Math.floor(budget / 5)));
  switch (name) {
    case 'random': return new RandomStrategy(space, rng);
    case 'evolution': return new EvolutionStrategy(space, rng, { population, tournament: 3 });
    case 'nsga2': return new Nsga2Strategy(space, rng, { population, crossoverRate: 0.9, mutations: 1 });
    // as the hypervolume bench runs it (BENCHMARKS.md): batched updates, a uniform random warm-up
    // it learns from, a quarter of uniform random proposals after it, and no proposals the
    // decoder must refuse; not the front reward, which needs the dense network's costs to
    // normalise the objectives by
    case 'reinforce': return new ReinforceStrategy(space, rng, {
      hidden: 16, learningRate: 0.03, baselineDecay: 0.8,
      batch: Math.max(1, Math.min(8, Math.floor(budget / 25))),
      warmup: Math.floor(budget / 10),
      explore: 0.25,
      refused: refusedValues(space, decoding),
    });
  }
}

export function decodeContext(geometry: NetworkGeometry, profile: DeviceProfile, device: DeviceBudget, supports: EvaluatorSupport | undefined, sparsityFloors?: readonly number[]): DecodeContext {
  return { geometry, supports, ...(sparsityFloors ? { sparsityFloors } : {}), device: { profile, weightMemoryBytes: device.weightMemoryBytes, activationMemoryBytes: device.activationMemoryBytes, deadlineS: device.deadlineS ?? 1 } };
}

export function makeScore(o: SearchStageOptions, floors: ScoreOptions, profile: DeviceProfile, device: DeviceBudget, geometry: NetworkGeometry): (ev: Evaluation) => Score {
  if ((o.objective ?? 'energy') === 'energy') return (ev) => scoreEvaluation(ev, floors);
  const storage = o.harvest ?? { capacitanceF: 100e-6, maxV: 3.3, brownOutV: 1.8 };
  const harvest = {
    traces: bundledTraces(), storage, periodS: device.deadlineS ?? 1, sleepPowerW: profile.sleepCurrentA * profile.nominalVoltageV, policy: DEFAULT_POLICY, floors,
    weightMemoryBytes: device.weightMemoryBytes ?? profile.memory.nonVolatileBytes, activationMemoryBytes: device.activationMemoryBytes ?? profile.memory.sramBytes, activationBytes: activationBytesOf(geometry),
  };
  return (ev) => scoreHarvest(ev, harvest);
}
