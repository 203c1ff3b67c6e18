/**
 * The energy-harvesting objective: expected correct inferences per hour, averaged over a training
 * set of harvest traces, when the device runs the candidate's modes under device-agent's mode
 * policy — with the candidate's own policy parameters when it brings them — in its
 * intermittent-power simulator. Constraints come first: optional accuracy floors (score.ts), then
 * the device's: a candidate whose package exceeds the weight memory, whose activation buffers
 * exceed the SRAM, or whose fastest mode misses the deadline is infeasible, named. The decoder
 * checked lower bounds of the same before evaluating; this checks the evaluated package and the
 * measured or predicted latencies.
 */
import { EveError, simulateIntermittent, selectMode, type HarvestTrace, type ModeCost, type PolicyOptions, type StorageSpec } from '@eve-bench/device-agent';
import type { Evaluation } from '../evaluator/evaluator.js';
import { numberFormatOf } from '../space/candidate.js';
import type { NetworkGeometry } from '../space/network-geometry.js';
import { scoreEvaluation, type Score, type ScoreOptions } from './score.js';

export interface HarvestObjectiveOptions {
  traces: readonly HarvestTrace[];
  storage: StorageSpec;
  /** One request every periodS: also each inference's deadline. */
  periodS: number;
  sleepPowerW: number;
  /** The policy parameters for candidates that do not bring their own. */
  policy: PolicyOptions;
  /** Accuracy floors per mode, checked first (their margin steers strategies out of infeasibility). */
  floors?: ScoreOptions;
  /** Non-volatile memory available for the package (FRAM/flash), bytes. */
  weightMemoryBytes: number;
  /** SRAM available for activations, bytes; checked when the evaluation reports its need. */
  activationMemoryBytes: number;
  /** Bytes of activations the candidate needs at once (see `activationBytesOf`); optional. */
  activationBytes?: (ev: Evaluation) => number;
}

/** The runtime's activation buffers for a network, in each candidate's number format. */
export function activationBytesOf(geometry: NetworkGeometry): (ev: Evaluation) => number {
  return (ev) => geometry.activationElements * (numberFormatOf(ev.candidate) === 'int8' ? 1 : 4);
}

/** The first violated device constraint and how far past its budget (a fraction of it), or undefined. */
export function violatedConstraint(ev: Evaluation, o: HarvestObjectiveOptions): { violated: string; excess: number } | undefined {
  if (ev.packageBytes !== undefined && ev.packageBytes > o.weightMemoryBytes) return { violated: `weight memory: package ${ev.packageBytes} B exceeds ${o.weightMemoryBytes} B`, excess: ev.packageBytes / o.weightMemoryBytes - 1 };
  const act = o.activationBytes?.(ev);
  if (act !== undefined && act > o.activationMemoryBytes) return { violated: `activation memory: ${act} B exceeds ${o.activationMemoryBytes} B`, excess: act / o.activationMemoryBytes - 1 };
  const fastest = Math.min(...ev.modes.map((m) => m.latencyUs));
  if (fastest > o.periodS * 1e6) return { violated: `deadline: the fastest mode takes ${(fastest / 1000).toFixed(1)} ms, the deadline is ${(o.periodS * 1000).toFixed(1)} ms`, excess: fastest / (o.periodS * 1e6) - 1 };
  return undefined;
}

/** Mean over the traces of expected correct inferences per hour. */
export function correctPerHour(ev: Evaluation, o: HarvestObjectiveOptions): number {
  if (o.traces.length === 0) throw new EveError('OBJECTIVE_INPUT', 'the harvest objective needs at least one trace');
  const options = ev.candidate.policy ?? o.policy;
  const modes: ModeCost[] = ev.modes.map((m) => ({ energyJ: m.energyUj * 1e-6, latencyS: m.latencyUs * 1e-6, accuracy: m.accuracy }));
  const total = o.traces.reduce((s, trace) => s + simulateIntermittent({ trace, storage: o.storage, modes, periodS: o.periodS, sleepPowerW: o.sleepPowerW, policy: selectMode, options }).correctPerHour, 0);
  return total / o.traces.length;
}

/** A Score whose value is correct inferences per hour; infeasible when a device constraint is violated. */
export function scoreHarvest(ev: Evaluation, o: HarvestObjectiveOptions): Score {
  const floors = o.floors ? scoreEvaluation(ev, o.floors) : undefined;
  if (floors && !floors.feasible) return floors;
  const device = violatedConstraint(ev, o);
  if (device) return { feasible: false, violated: device.violated, value: 0, margin: 0, excess: device.excess };
  return { feasible: true, value: correctPerHour(ev, o), margin: floors?.margin ?? Infinity };
}
