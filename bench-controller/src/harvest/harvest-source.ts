/**
 * What the supply channel should be at each step of a harvest replay: a voltage setpoint and a
 * current limit, i.e. the harvester emulated as a current-limited source.
 *  - A power trace (watts at the harvester's maximum power point): the rail voltage, with the
 *    current limit P / V, as if a converter delivered the power at the rail.
 *  - A solar I-V trace (Isc, Voc per step): the rail voltage capped at Voc, with the current
 *    limit the cell's current at that voltage (solar-cell.ts), so a dim step delivers what the
 *    cell really could at the rail voltage rather than its MPP power.
 * A floor on the current limit keeps the supply regulating (they cannot limit at 0 A).
 */
import { EveError, type HarvestTrace } from '@eve-bench/device-agent';
import { DEFAULT_SOLAR_MODEL, solarCurrentA, type SolarCellModel } from './solar-cell.js';

export interface ReplayStep {
  voltageV: number;
  currentA: number;
  /** Power the harvester offers in this step (for telemetry). */
  powerW: number;
}

export interface HarvestSource {
  readonly name: string;
  readonly stepS: number;
  readonly length: number;
  step(i: number): ReplayStep;
}

/** Isc / Voc per step, e.g. from a CSV with isc_a and voc_v columns. */
export interface SolarTrace {
  name: string;
  stepS: number;
  iscA: Float64Array;
  vocV: Float64Array;
  provenance: string;
}

export interface SourceOptions {
  voltageV: number;
  minCurrentA: number;
}

function checkOptions(o: SourceOptions): void {
  if (!(o.voltageV > 0) || !Number.isFinite(o.voltageV)) throw new EveError('REPLAY_BAD_OPTION', `voltageV must be a positive number, got ${o.voltageV}`);
  if (!(o.minCurrentA > 0) || !Number.isFinite(o.minCurrentA)) throw new EveError('REPLAY_BAD_OPTION', `minCurrentA must be a positive number, got ${o.minCurrentA}`);
}

export function powerSource(trace: HarvestTrace, o: SourceOptions): HarvestSource {
  checkOptions(o);
  return {
    name: trace.name,
    stepS: trace.stepS,
    length: trace.powerW.length,
    step: (i) => {
      const powerW = trace.powerW[i]!;
      return { voltageV: o.voltageV, currentA: Math.max(o.minCurrentA, powerW / o.voltageV), powerW };
    },
  };
}

export function solarSource(trace: SolarTrace, o: SourceOptions, model: SolarCellModel = DEFAULT_SOLAR_MODEL): HarvestSource {
  checkOptions(o);
  if (trace.iscA.length !== trace.vocV.length) throw new EveError('TRACE_BAD_SAMPLE', `trace '${trace.name}': ${trace.iscA.length} Isc but ${trace.vocV.length} Voc samples`);
  return {
    name: trace.name,
    stepS: trace.stepS,
    length: trace.iscA.length,
    step: (i) => {
      const voc = trace.vocV[i]!;
      // Never above the cell's open-circuit voltage; in the dark, hold 0 V at the floor current.
      const voltageV = Math.max(0, Math.min(o.voltageV, voc));
      const cell = solarCurrentA(trace.iscA[i]!, voc, voltageV, model);
      return { voltageV, currentA: Math.max(o.minCurrentA, cell), powerW: voltageV * cell };
    },
  };
}
