/**
 * Harvest traces: the power an energy harvester delivers over time, sampled at a fixed step.
 * The bench replays them through a programmable supply (as a current-limited source) and the
 * device-agent simulator replays them through a capacitor model.
 */
import { EveError } from '../errors/eve-error.js';

export interface HarvestTrace {
  name: string;
  /** Sample period in seconds; sample i covers [i*stepS, (i+1)*stepS). */
  stepS: number;
  /** Harvested power per step, watts (at the harvester's maximum power point). */
  powerW: Float64Array;
  /** How it was made: generator name and parameters, or the source file. */
  provenance: string;
}

export function traceDurationS(t: HarvestTrace): number {
  return t.powerW.length * t.stepS;
}

/** Power at time `tS`, holding the last sample past the end (a replay never runs off the trace). */
export function powerAt(t: HarvestTrace, tS: number): number {
  if (t.powerW.length === 0) return 0;
  const i = Math.min(t.powerW.length - 1, Math.max(0, Math.floor(tS / t.stepS)));
  return t.powerW[i]!;
}

export function validateTrace(t: HarvestTrace): HarvestTrace {
  if (!(t.stepS > 0) || !Number.isFinite(t.stepS)) {
    throw new EveError('TRACE_BAD_STEP', `trace '${t.name}': step must be a positive number of seconds, got ${t.stepS}`);
  }
  if (t.powerW.length === 0) throw new EveError('TRACE_EMPTY', `trace '${t.name}' has no samples`);
  for (let i = 0; i < t.powerW.length; i++) {
    const p = t.powerW[i]!;
    if (!Number.isFinite(p) || p < 0) {
      throw new EveError('TRACE_BAD_SAMPLE', `trace '${t.name}': sample ${i} is ${p}; power must be finite and >= 0`);
    }
  }
  return t;
}
