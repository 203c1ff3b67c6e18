/**
 * Seeded, documented harvest-trace generators. Each is a simple physical story with named
 * parameters, so a figure made from one can be reproduced from its provenance string alone.
 * The random source is passed in (a function returning [0,1)); nothing here is global.
 */
import type { HarvestTrace } from './trace.js';
import { validateTrace } from './trace.js';

export type Uniform = () => number;

/** Small deterministic PRNG (mulberry32) for callers that only have a seed. */
export function mulberry32(seed: number): Uniform {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(u: Uniform): number {
  const a = Math.max(u(), 1e-12);
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
}

export interface IndoorLightOptions {
  durationS: number;
  stepS: number;
  /** Power under office lighting, lights on (a few cm² of amorphous-Si cell at ~500 lux: ~100 µW). */
  onPowerW?: number;
  /** Power from daylight leakage with lights off. */
  offPowerW?: number;
  /** Mean seconds between someone switching the lights or shading the cell. */
  meanSwitchS?: number;
}

/** Indoor light: a two-state (on/off) schedule with exponential dwell times and ±5 % flicker. */
export function indoorLight(u: Uniform, o: IndoorLightOptions): HarvestTrace {
  const on = o.onPowerW ?? 100e-6;
  const off = o.offPowerW ?? 8e-6;
  const meanSwitch = o.meanSwitchS ?? o.durationS / 4;
  const n = Math.max(1, Math.round(o.durationS / o.stepS));
  const p = new Float64Array(n);
  let lit = true;
  let nextSwitch = -Math.log(Math.max(u(), 1e-12)) * meanSwitch;
  for (let i = 0; i < n; i++) {
    const t = i * o.stepS;
    while (t >= nextSwitch) {
      lit = !lit;
      nextSwitch += -Math.log(Math.max(u(), 1e-12)) * meanSwitch;
    }
    p[i] = Math.max(0, (lit ? on : off) * (1 + 0.05 * gaussian(u)));
  }
  return validateTrace({
    name: 'indoor-light', stepS: o.stepS, powerW: p,
    provenance: `indoorLight(onPowerW=${on}, offPowerW=${off}, meanSwitchS=${meanSwitch}, durationS=${o.durationS}, stepS=${o.stepS})`,
  });
}

export interface OutdoorSolarOptions {
  durationS: number;
  stepS: number;
  /** Clear-sky peak power of the cell (a 5 cm² mono-Si cell at 1000 W/m², ~18 % efficient: ~90 mW). */
  peakPowerW?: number;
  /** Day length the sine arch spans, seconds; the trace starts at sunrise. */
  dayS?: number;
  /** Probability per step that a cloud starts; clouds cut power to 20–50 % for an exponential time. */
  cloudRate?: number;
}

/** Outdoor solar: a half-sine day with random cloud passages (Markov on/off shading). */
export function outdoorSolar(u: Uniform, o: OutdoorSolarOptions): HarvestTrace {
  const peak = o.peakPowerW ?? 90e-3;
  const day = o.dayS ?? o.durationS;
  const rate = o.cloudRate ?? 0.02;
  const n = Math.max(1, Math.round(o.durationS / o.stepS));
  const p = new Float64Array(n);
  let cloudLeft = 0;
  let cloudDepth = 1;
  for (let i = 0; i < n; i++) {
    const t = i * o.stepS;
    const sun = Math.max(0, Math.sin((Math.PI * t) / day));
    if (cloudLeft <= 0 && u() < rate) {
      cloudLeft = Math.ceil(-Math.log(Math.max(u(), 1e-12)) * 10);
      cloudDepth = 0.2 + 0.3 * u();
    }
    const shade = cloudLeft > 0 ? cloudDepth : 1;
    if (cloudLeft > 0) cloudLeft--;
    p[i] = peak * sun * shade;
  }
  return validateTrace({
    name: 'outdoor-solar', stepS: o.stepS, powerW: p,
    provenance: `outdoorSolar(peakPowerW=${peak}, dayS=${day}, cloudRate=${rate}, durationS=${o.durationS}, stepS=${o.stepS})`,
  });
}

export interface RfOptions {
  durationS: number;
  stepS: number;
  /** Transmitter EIRP in watts (a 915 MHz Powercast-style source: 3 W). */
  eirpW?: number;
  /** Distance to the transmitter, metres. */
  distanceM?: number;
  /** Carrier frequency, Hz. */
  frequencyHz?: number;
  /** Rectifier efficiency at these input levels. */
  efficiency?: number;
}

/**
 * RF at distance: Friis free-space received power (unity receive gain) times rectifier efficiency,
 * with Rayleigh fading (exponentially distributed power) per step.
 */
export function rfHarvest(u: Uniform, o: RfOptions): HarvestTrace {
  const eirp = o.eirpW ?? 3;
  const d = o.distanceM ?? 3;
  const f = o.frequencyHz ?? 915e6;
  const eff = o.efficiency ?? 0.3;
  const lambda = 299_792_458 / f;
  const mean = eirp * (lambda / (4 * Math.PI * d)) ** 2 * eff;
  const n = Math.max(1, Math.round(o.durationS / o.stepS));
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = mean * -Math.log(Math.max(u(), 1e-12));
  return validateTrace({
    name: 'rf-fading', stepS: o.stepS, powerW: p,
    provenance: `rfHarvest(eirpW=${eirp}, distanceM=${d}, frequencyHz=${f}, efficiency=${eff}, durationS=${o.durationS}, stepS=${o.stepS})`,
  });
}
