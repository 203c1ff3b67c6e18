/**
 * The bundled harvest traces: seeded, two hours at 1 s steps, scaled to a sensor node whose
 * inferences cost tens of microjoules, so each trace has both scarce and plentiful stretches.
 */
import { indoorLight, mulberry32, outdoorSolar, rfHarvest } from './generators.js';
import type { HarvestTrace } from './trace.js';

export function bundledTraces(seed = 1): HarvestTrace[] {
  return [
    // office desk: lights on ~100 µW, off ~8 µW, switched every ten minutes on average
    indoorLight(mulberry32(seed), { durationS: 7200, stepS: 1, onPowerW: 100e-6, offPowerW: 8e-6, meanSwitchS: 600 }),
    // a 2 mm² outdoor cell from sunrise into the morning, with passing clouds
    outdoorSolar(mulberry32(seed + 1), { durationS: 7200, stepS: 1, peakPowerW: 150e-6, dayS: 14400, cloudRate: 0.01 }),
    // 915 MHz, 3 W EIRP, 3 m away, Rayleigh fading per second
    rfHarvest(mulberry32(seed + 2), { durationS: 7200, stepS: 1, distanceM: 3 }),
  ];
}
