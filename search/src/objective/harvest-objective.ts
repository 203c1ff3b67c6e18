/**
 * The energy-harvesting objective: expected correct inferences per hour, averaged over a training
 * set of harvest traces, when the device runs the candidate's modes under device-agent's mode
 * policy in its intermittent-power simulator. Constraints from the device profile come first: a
 * candidate whose package exceeds the weight memory, whose largest layer's activations exceed the
 * activation memory, or whose fastest mode misses the deadline is infeasible, named.
 */
import { EveError, simulateIntermittent, selectMode, type HarvestTrace, type ModeCost, type PolicyOptions, type StorageSpec } from '@eve-bench/device-agent';
import type { Evaluation } from '../evaluator/evaluator.js';
import type { Score } from './score.js';

export interface HarvestObjectiveOptions {
  traces: readonly HarvestTrace[];
  storage: StorageSpec;
  /** One request every periodS: also each inference's deadline. */
  periodS: number;
  sleepPowerW: number;
  policy: PolicyOptions;
  /** Non-volatile memory available for the package (FRAM/flash), bytes. */
  weightMemoryBytes: number;
  /** SRAM available for activations, bytes; checked when the evaluation reports its need. */
  activationMemoryBytes: number;
  /** Bytes of activations the candidate needs at once (largest layer input + output); optional. */
  activationBytes?: (ev: Evaluation) => number;
}

/** The first violated device constraint, or undefined. */
export function violatedConstraint(ev: Evaluation, o: HarvestObjectiveOptions): string | undefined {
  if (ev.packageBytes !== undefined && ev.packageBytes > o.weightMemoryBytes) return `weight memory: package ${ev.packageBytes} B exceeds ${o.weightMemoryBytes} B`;
  const act = o.activationBytes?.(ev);
  if (act !== undefined && act > o.activationMemoryBytes) return `activation memory: ${act} B exceeds ${o.activationMemoryBytes} B`;
  const fastest = Math.min(...ev.modes.map((m) => m.latencyUs));
  if (fastest > o.periodS * 1e6) return `deadline: the fastest mode takes ${(fastest / 1000).toFixed(1)} ms, the deadline is ${(o.periodS * 1000).toFixed(1)} ms`;
  return undefined;
}

/** Mean over the traces of expected correct inferences per hour. */
export function correctPerHour(ev: Evaluation, o: HarvestObjectiveOptions): number {
  if (o.traces.length === 0) throw new EveError('OBJECTIVE_INPUT', 'the harvest objective needs at least one trace');
  const modes: ModeCost[] = ev.modes.map((m) => ({ energyJ: m.energyUj * 1e-6, latencyS: m.latencyUs * 1e-6, accuracy: m.accuracy }));
  const total = o.traces.reduce((s, trace) => s + simulateIntermittent({ trace, storage: o.storage, modes, periodS: o.periodS, sleepPowerW: o.sleepPowerW, policy: selectMode, options: o.policy }).correctPerHour, 0);
  return total / o.traces.length;
}

/** A Score whose value is correct inferences per hour; infeasible when a device constraint is violated. */
export function scoreHarvest(ev: Evaluation, o: HarvestObjectiveOptions): Score {
  const violated = violatedConstraint(ev, o);
  if (violated) return { feasible: false, violated, value: 0, margin: 0 };
  return { feasible: true, value: correctPerHour(ev, o), margin: Infinity };
}
