/**
 * Energy and latency per inference, measured the way EnergyRunner does it: over windows of many
 * back-to-back inferences. Latency comes from the board's own timestamps. Energy comes from the
 * supply's V·I readbacks integrated over the window (mean reading power × device-time length),
 * minus the idle draw measured in an idle window of the same length right after it, so the
 * instrument's offset error and the board's sleep draw cancel.
 *
 * A DP832 reads current to 1 mA at ~20 readings/s: one window says little, so windows are
 * repeated until the statistical uncertainty reaches the requested precision (or a cap), and
 * every figure comes with its uncertainty.
 *
 * Every window starts and ends with the board's storage capacitor recharged to the supply
 * setpoint, so the energy the capacitor lent during the window has been paid back inside it.
 */
import { EveError } from '@eve-bench/device-agent';
import type { BoardClient } from '../boards/board-client.js';
import type { HarvestReplayer } from '../harvest/replayer.js';
import type { Reading, ReadbackStream } from './readback-stream.js';
import { meanCurrent, meanPower } from './power-estimate.js';

export interface WindowMeasurement {
  inferences: number;
  windows: number;
  /** Mean device-timestamped latency, microseconds. */
  latencyUs: number;
  latencyMinUs: number;
  latencyMaxUs: number;
  /** Active energy per inference (idle draw subtracted), microjoules. */
  energyUj: number;
  /** Half-width of the ~95 % interval on energyUj: 2 standard errors plus the instrument's gain accuracy. */
  energyUncertaintyUj: number;
  /** The statistical part alone (one standard error), microjoules. */
  energyStdErrorUj: number;
  /** Whether the requested precision was reached before the window cap. */
  converged: boolean;
  readings: number;
  windowDurationUs: number;
  /** Predictions of the first window (one per input). */
  predictions: number[];
}

export interface WindowDeps {
  board: BoardClient;
  readbacks: ReadbackStream;
  replayer?: HarvestReplayer;
}

export interface Precision {
  /** Stop once the 95 % half-width (2 standard errors + gain accuracy) is below this share of the energy. */
  relative: number;
  minWindows: number;
  maxWindows: number;
}

/** Windows beyond maxWindows allowed only to collect the two readings a standard error needs. */
const EXTRA_WINDOWS_FOR_READINGS = 1000;

export const DEFAULT_PRECISION: Precision = { relative: 0.01, minWindows: 3, maxWindows: 200 };

interface Interval {
  startUs: number;
  endUs: number;
  readings: Reading[];
}

/** Readings between the board's answer at the start and its answer after the final recharge. */
async function record(d: WindowDeps, body: () => Promise<void>, signal?: AbortSignal): Promise<Interval> {
  const startUs = (await d.board.waitCharged(signal)).nowUs;
  await d.replayer?.sync(startUs);
  await d.readbacks.start(signal);
  let endUs: number;
  try {
    await body();
    endUs = (await d.board.waitCharged(signal)).nowUs;
  } catch (e) {
    await d.readbacks.stop(signal).catch(() => undefined); // the window's own failure is the one to report
    throw e;
  }
  const readings = await d.readbacks.stop(signal);
  await d.replayer?.sync(endUs);
  if (!(endUs > startUs)) throw new EveError('MEASURE_CLOCK', `board clock did not advance over a window (${startUs} -> ${endUs} us)`);
  return { startUs, endUs, readings };
}

export async function measureWindow(d: WindowDeps, inputs: Uint8Array[], precision: Precision = DEFAULT_PRECISION, signal?: AbortSignal): Promise<WindowMeasurement> {
  if (inputs.length === 0) throw new EveError('MEASURE_EMPTY', 'a measurement window needs at least one inference');
  if (!(precision.relative > 0) || !(precision.minWindows >= 1) || !(precision.maxWindows >= precision.minWindows)) {
    throw new EveError('MEASURE_PRECISION', `bad precision request ${JSON.stringify(precision)}`);
  }
  let busyUs = 0, n = 0, min = Infinity, max = 0, durationUs = 0;
  const active: Reading[] = [];
  const idle: Reading[] = [];
  const perWindowJ: Array<number | undefined> = [];
  let predictions: number[] | undefined;
  // too few readings for a standard error: windows shorter than the readback interval; keep going
  const enough = () => active.length >= 2 && idle.length >= 2;
  for (let k = 0; ; k++) {
    if (k >= precision.maxWindows && enough()) break;
    if (k >= precision.maxWindows + EXTRA_WINDOWS_FOR_READINGS) {
      throw new EveError('MEASURE_NO_READINGS', `${active.length} active and ${idle.length} idle readings after ${k} windows: the windows are much shorter than the supply's readback interval`);
    }
    signal?.throwIfAborted();
    const preds: number[] = [];
    const a = await record(d, async () => {
      for (const input of inputs) {
        const r = await d.board.infer(input, signal);
        const lat = r.endUs - r.startUs;
        busyUs += lat;
        n++;
        min = Math.min(min, lat);
        max = Math.max(max, lat);
        preds.push(r.predicted);
        await d.replayer?.sync(r.endUs);
      }
    }, signal);
    predictions ??= preds;
    const lengthUs = a.endUs - a.startUs;
    const i = await record(d, async () => { await d.board.idle(lengthUs, signal); }, signal);
    for (const r of a.readings) active.push(r); // a loop, not push(...): a long window has many readings
    for (const r of i.readings) idle.push(r);
    durationUs += lengthUs;
    perWindowJ.push(a.readings.length > 0 && i.readings.length > 0
      ? ((meanPower(a.readings).meanW - meanPower(i.readings).meanW) * lengthUs) / 1e6 / inputs.length
      : undefined); // only its scatter is used, which the offset term does not affect
    if (k + 1 >= precision.minWindows && enough()) {
      const e = estimate();
      if (halfWidth(e.perJ, e.se, d.readbacks.gainAccuracy) <= precision.relative * Math.abs(e.perJ)) return result(true);
    }
  }
  return result(false);

  /**
   * Pooled over all windows: readings are taken uniformly in time, so their mean is the time
   * average. The idle draw is subtracted as a current (Σ V·(I − Ī_idle)), not as a power: the
   * instrument's current offset (up to 5 mA on a DP832) times the rail's sag under load would
   * otherwise stay in the result.
   */
  function estimate(): { perJ: number; se: number } {
    const idleA = meanCurrent(idle);
    const net = active.map((r) => ({ voltageV: r.voltageV, currentA: r.currentA - idleA.mean }));
    const pa = meanPower(net);
    const meanV = net.reduce((s, r) => s + r.voltageV, 0) / net.length;
    const seconds = durationUs / 1e6;
    const perJ = (pa.meanW * seconds) / n;
    const within = (Math.sqrt(pa.varianceOfMeanW + meanV * meanV * idleA.varianceOfMean) * seconds) / n;
    return { perJ, se: Math.max(within, betweenWindows(perWindowJ)) };
  }

  function result(converged: boolean): WindowMeasurement {
    const { perJ, se } = estimate();
    return {
      inferences: n, windows: perWindowJ.length,
      latencyUs: busyUs / n, latencyMinUs: min, latencyMaxUs: max,
      energyUj: perJ * 1e6, energyStdErrorUj: se * 1e6, energyUncertaintyUj: halfWidth(perJ, se, d.readbacks.gainAccuracy) * 1e6,
      converged, readings: active.length + idle.length, windowDurationUs: durationUs / perWindowJ.length, predictions: predictions ?? [],
    };
  }
}

/**
 * Standard error of the mean from the scatter between windows (drift, harvest variation, anything
 * the readings' own scatter misses); 0 until there are enough windows that each had readings.
 */
function betweenWindows(perWindowJ: Array<number | undefined>): number {
  const xs = perWindowJ.filter((x): x is number => x !== undefined);
  const k = xs.length;
  if (k < 5 || k < perWindowJ.length) return 0;
  const mean = xs.reduce((s, x) => s + x, 0) / k;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (k - 1) / k);
}

function halfWidth(perJ: number, se: number, gainAccuracy: number): number {
  return 2 * se + gainAccuracy * Math.abs(perJ);
}
