/**
 * A solar cell reduced to two numbers per step, short-circuit current Isc and open-circuit
 * voltage Voc, with the ideal single-diode curve between them:
 *
 *   I(V) = Isc · (1 − exp((V − Voc)/Vt)) / (1 − exp(−Voc/Vt)),   Vt = vtOverVoc · Voc
 *
 * so I(0) = Isc and I(Voc) = 0 exactly; Vt stands for n·Ns·kT/q (ideality × cells in series ×
 * thermal voltage) and is given relative to Voc, because a trace rarely says how many cells the
 * harvester has. The default 0.05 gives a fill factor of about 0.81 (an ideal crystalline cell);
 * larger values soften the knee (0.1 gives about 0.7, nearer amorphous indoor cells). Series and
 * shunt resistance are ignored, so real fill factors are somewhat lower.
 * A programmable supply can only be a rectangle — constant voltage up to a current limit — so
 * the replay takes the rectangle's corner on this curve at the rail voltage (see harvest-source).
 */
import { EveError } from '@eve-bench/device-agent';

export interface SolarCellModel {
  /** Vt / Voc, 0 < x <= 0.5 (default 0.05). */
  vtOverVoc: number;
}

export const DEFAULT_SOLAR_MODEL: SolarCellModel = { vtOverVoc: 0.05 };

/** Cell current at terminal voltage `voltageV` (0 at or above Voc, Isc at or below 0 V). */
export function solarCurrentA(iscA: number, vocV: number, voltageV: number, model: SolarCellModel = DEFAULT_SOLAR_MODEL): number {
  if (!(model.vtOverVoc > 0 && model.vtOverVoc <= 0.5)) {
    throw new EveError('SOLAR_BAD_MODEL', `vtOverVoc must be in (0, 0.5], got ${model.vtOverVoc}`);
  }
  if (!(iscA > 0) || !(vocV > 0) || voltageV >= vocV) return 0;
  if (voltageV <= 0) return iscA;
  const vt = model.vtOverVoc * vocV;
  return (iscA * (1 - Math.exp((voltageV - vocV) / vt))) / (1 - Math.exp(-vocV / vt));
}

/** Maximum power point by golden-section search on P(V) = V·I(V) (unimodal on [0, Voc]). */
export function solarMaxPower(iscA: number, vocV: number, model: SolarCellModel = DEFAULT_SOLAR_MODEL): { voltageV: number; powerW: number } {
  if (!(iscA > 0) || !(vocV > 0)) return { voltageV: 0, powerW: 0 };
  const p = (v: number) => v * solarCurrentA(iscA, vocV, v, model);
  const g = (Math.sqrt(5) - 1) / 2;
  let [a, b] = [0, vocV];
  for (let i = 0; i < 60; i++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (p(c) > p(d)) b = d;
    else a = c;
  }
  const v = (a + b) / 2;
  return { voltageV: v, powerW: p(v) };
}
