/**
 * Energy and latency per inference, measured the way EnergyRunner does it: over a window of
 * many back-to-back inferences, so a supply whose energy reading is coarse still gives a
 * precise per-inference figure. Latency comes from the board's own timestamps; energy from the
 * supply's integrated reading, minus the idle draw measured in a separate window.
 *
 * Every window starts and ends with the board's storage capacitor recharged to the supply
 * setpoint, so the energy the capacitor lent during the window has been paid back inside it.
 */
import { EveError } from '@eve-bench/device-agent';
import type { BoardClient } from '../boards/board-client.js';
import type { PowerSupply } from '../instruments/psu/power-supply.js';
import type { HarvestReplayer } from '../harvest/replayer.js';

export interface IdleMeasurement {
  powerW: number;
  durationUs: number;
  energyJ: number;
}

export interface WindowMeasurement {
  inferences: number;
  /** Mean device-timestamped latency, microseconds. */
  latencyUs: number;
  latencyMinUs: number;
  latencyMaxUs: number;
  /** Active energy per inference (idle draw subtracted), microjoules. */
  energyUj: number;
  /** Half-width of the bound on energyUj from the supply's energy resolution, microjoules. */
  energyUncertaintyUj: number;
  windowEnergyJ: number;
  windowDurationUs: number;
  predictions: number[];
}

export interface WindowDeps {
  board: BoardClient;
  psu: PowerSupply;
  channel: number;
  /** Resolution of the supply's energy reading, joules (each reading is within ±resolution/2). */
  energyResolutionJ: number;
  replayer?: HarvestReplayer;
}

async function readEnergy(psu: PowerSupply, channel: number): Promise<number> {
  if (!psu.readEnergyJ) {
    throw new EveError('MEASURE_NO_ENERGY', `${psu.identity.model}: this supply has no energy reading; readback integration is needed`);
  }
  return psu.readEnergyJ(channel);
}

/** Draw of the board while it sleeps between inferences, at the supply setpoint. */
export async function measureIdle(d: WindowDeps, durationUs: number): Promise<IdleMeasurement> {
  const t0 = (await d.board.waitCharged()).nowUs;
  await d.replayer?.sync(t0);
  const e0 = await readEnergy(d.psu, d.channel);
  const t1 = (await d.board.idle(durationUs)).nowUs;
  const e1 = await readEnergy(d.psu, d.channel);
  await d.replayer?.sync(t1);
  const durUs = t1 - t0;
  if (!(durUs > 0)) throw new EveError('MEASURE_CLOCK', `board clock did not advance over an idle window (${t0} -> ${t1} us)`);
  return { powerW: (e1 - e0) / (durUs / 1e6), durationUs: durUs, energyJ: e1 - e0 };
}

/**
 * Runs `inputs` back to back (one inference each) and returns per-inference latency and
 * active energy. The harvest replay, when given, follows the device clock after every step.
 */
export async function measureWindow(d: WindowDeps, inputs: Uint8Array[], idle: IdleMeasurement): Promise<WindowMeasurement> {
  if (inputs.length === 0) throw new EveError('MEASURE_EMPTY', 'a measurement window needs at least one inference');
  const start = (await d.board.waitCharged()).nowUs;
  await d.replayer?.sync(start);
  const e0 = await readEnergy(d.psu, d.channel);
  let busyUs = 0;
  let min = Infinity;
  let max = 0;
  const predictions: number[] = [];
  for (const input of inputs) {
    const r = await d.board.infer(input);
    const lat = r.endUs - r.startUs;
    busyUs += lat;
    min = Math.min(min, lat);
    max = Math.max(max, lat);
    predictions.push(r.predicted);
    await d.replayer?.sync(r.endUs);
  }
  const end = (await d.board.waitCharged()).nowUs;
  const e1 = await readEnergy(d.psu, d.channel);
  await d.replayer?.sync(end);
  const windowUs = end - start;
  const n = inputs.length;
  const idleJ = idle.powerW * Math.max(0, windowUs - busyUs) / 1e6;
  const activeJ = e1 - e0 - idleJ;
  // two energy readings, each within ±res/2, plus the idle estimate's own reading error scaled to this window
  const idleShare = Math.max(0, windowUs - busyUs) / idle.durationUs;
  const uncertaintyJ = d.energyResolutionJ * (1 + idleShare);
  return {
    inferences: n,
    latencyUs: busyUs / n,
    latencyMinUs: min,
    latencyMaxUs: max,
    energyUj: (activeJ / n) * 1e6,
    energyUncertaintyUj: (uncertaintyJ / n) * 1e6,
    windowEnergyJ: e1 - e0,
    windowDurationUs: windowUs,
    predictions,
  };
}
