/**
 * Replays a harvest trace through a storage capacitor and a request stream (one inference request
 * every `periodS`, as a sensor samples), asking a policy which mode serves each request. Counts
 * completed requests and expected correct ones (Σ accuracy of the modes that ran: an expected
 * value, so the comparison between policies carries no sampling noise). Energy is tracked
 * exactly per segment: harvest in, sleep draw and inferences out, clipped at a full capacitor
 * (the clipped energy is reported: it is what a policy could have spent on accuracy for free).
 */
import type { HarvestTrace } from '../harvest/trace.js';
import { powerAt } from '../harvest/trace.js';
import type { ModeCost, PolicyInput, PolicyOptions } from './mode-policy.js';
import { observeHarvest, plannedHarvestW, type HarvestEstimate } from './harvest-estimate.js';
import { EMPTY_DRAIN_RECORD, observeStorage, type DrainRecord } from './drain-record.js';

export interface StorageSpec {
  capacitanceF: number;
  maxV: number;
  brownOutV: number;
}

export interface SimOptions {
  trace: HarvestTrace;
  storage: StorageSpec;
  modes: readonly ModeCost[];
  periodS: number;
  sleepPowerW: number;
  policy: (i: PolicyInput) => number | null;
  options: PolicyOptions;
}

export interface SimReport {
  requests: number;
  completed: number;
  correct: number;
  perMode: number[];
  hours: number;
  correctPerHour: number;
  /** Harvested energy lost because the capacitor was full. */
  clippedJ: number;
  harvestedJ: number;
}

export function simulateIntermittent(o: SimOptions): SimReport {
  const { capacitanceF: C, maxV, brownOutV } = o.storage;
  const eMax = 0.5 * C * (maxV * maxV - brownOutV * brownOutV); // usable energy when full
  const duration = o.trace.powerW.length * o.trace.stepS;
  let e = eMax / 2;
  let prev: number | null = null;
  const r: SimReport = { requests: 0, completed: 0, correct: 0, perMode: o.modes.map(() => 0), hours: duration / 3600, correctPerHour: 0, clippedJ: 0, harvestedJ: 0 };
  // stores `next` into the capacitor, counting what a full one cannot hold
  const store = (next: number) => {
    if (next > eMax) r.clippedJ += next - eMax;
    return Math.min(eMax, next);
  };
  // the board estimates harvest from the power over past periods (what an ADC on the harvester shows)
  let estimate: HarvestEstimate = observeHarvest(null, powerAt(o.trace, 0), o.periodS, o.options.harvestMeanS);
  // and counts how often its capacitor ran empty after having been full
  let drainRecord: DrainRecord = EMPTY_DRAIN_RECORD;
  for (let t = 0; t + o.periodS <= duration; t += o.periodS) {
    r.requests++;
    const clippedBefore = r.clippedJ;
    let served = false;
    const choice = o.policy({
      storedEnergyJ: e, capacityJ: eMax, harvestPowerW: plannedHarvestW(estimate), sleepPowerW: o.sleepPowerW,
      modes: o.modes, deadlineS: o.periodS, previousMode: prev, drainRecord, options: o.options,
    });
    let busy = 0;
    if (choice !== null) {
      const m = o.modes[choice]!;
      const harvested = integrate(o.trace, t, t + m.latencyS);
      const after = e + harvested - m.energyJ;
      if (after >= 0) {
        e = store(after);
        r.completed++;
        r.correct += m.accuracy;
        r.perMode[choice]!++;
        prev = choice;
        busy = m.latencyS;
        served = true;
      } else {
        e = 0; // brown-out: the work is lost and the capacitor is empty
      }
    }
    const start = t + busy;
    const end = t + o.periodS;
    e = Math.max(0, store(e + integrate(o.trace, start, end) - o.sleepPowerW * (end - start)));
    const periodJ = integrate(o.trace, t, end);
    r.harvestedJ += periodJ;
    // the latest sample: the power in the trace's last step of the period
    const nowW = powerAt(o.trace, Math.max(t, end - o.trace.stepS));
    estimate = observeHarvest(estimate, periodJ / o.periodS, o.periodS, o.options.harvestMeanS, nowW);
    drainRecord = observeStorage(drainRecord, { full: r.clippedJ > clippedBefore, ranEmpty: !served });
  }
  r.correctPerHour = r.hours > 0 ? r.correct / r.hours : 0;
  return r;
}

/** Harvested energy between two times (the trace is piecewise constant). */
function integrate(trace: HarvestTrace, a: number, b: number): number {
  let sum = 0;
  let t = a;
  while (t < b - 1e-12) {
    const step = Math.floor(t / trace.stepS);
    const next = Math.min(b, (step + 1) * trace.stepS);
    sum += powerAt(trace, t) * (next - t);
    t = next;
  }
  return sum;
}
