/**
 * How a simulated supply channel reads back what it delivers, modelled on the Rigol DP832 so that
 * the bench's energy figures have to be earned from the same coarse, slow, noisy readings a real
 * instrument gives. The channel's simulated time is the sum of the segments its board drew; a
 * reading is taken every `intervalS` of that time (with jitter), as a host polling `:MEAS:ALL?`
 * as fast as the round trip allows would get them.
 *
 * Figures and their sources:
 * - Resolution: DP800 Programming Guide, Table 2-1 reply formats: DP832 "00.00V/3.000A"
 *   (10 mV / 1 mA), DP832A "00.000V/3.000A" (1 mV / 1 mA).
 * - Accuracy: DP800 Performance Verification Manual, "CC Programming and Readback Accuracy":
 *   current readback ±(0.15 % + 5 mA) for DP832 and DP832A; voltage readback ±(0.05 % + 10 mV)
 *   (DP832) is the figure users quote from the datasheet (EEVblog thread "Rigol DP832 voltage and
 *   current readback accuracy"). Each channel draws one fixed gain and offset error inside these
 *   bounds from the seeded randomness: a systematic error, as on a real unit between calibrations.
 * - Noise: the datasheet gives none for readbacks; we assume 1 count rms (readings flicker by a
 *   count or two), which also dithers the quantisation so that averages are unbiased.
 * - Rate: the DP832 has no readback buffer; a host polls over LAN/USB, bound by the SCPI round
 *   trip (tens of ms). We assume 20 readings per second, an assumption to replace with a figure
 *   measured on real hardware.
 */
import { EveError } from '@eve-bench/device-agent';

export interface ReadbackModel {
  voltageStepV: number;
  currentStepA: number;
  /** Gaussian noise per reading, rms. */
  voltageNoiseV: number;
  currentNoiseA: number;
  /** Accuracy bounds: the channel's fixed gain error is within ±gain, its offset within ±offset. */
  voltageGain: number;
  voltageOffsetV: number;
  currentGain: number;
  currentOffsetA: number;
  /** Mean time between readings, seconds of simulated time. */
  intervalS: number;
}

export const DP832_READBACK: ReadbackModel = {
  voltageStepV: 0.01, currentStepA: 0.001,
  voltageNoiseV: 0.01, currentNoiseA: 0.001,
  voltageGain: 0.0005, voltageOffsetV: 0.01, currentGain: 0.0015, currentOffsetA: 0.005,
  intervalS: 0.05,
};

export const DP832A_READBACK: ReadbackModel = { ...DP832_READBACK, voltageStepV: 0.001, voltageNoiseV: 0.001 };

/** Ideal readbacks (no noise, no errors) at the DP832's steps, for tests of the SCPI dialect. */
export const EXACT_READBACK: ReadbackModel = {
  ...DP832_READBACK, voltageNoiseV: 0, currentNoiseA: 0, voltageGain: 0, voltageOffsetV: 0, currentGain: 0, currentOffsetA: 0,
};

export interface Reading {
  voltageV: number;
  currentA: number;
}

/** Randomness the readback model draws from: uniform [0,1) and standard normal. */
export interface ReadbackRandom {
  next(): number;
  normal(): number;
}

/** Rounds to a multiple of `step`, without binary-fraction noise (0.1 + 0.2 style). */
export function quantise(value: number, step: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return Number((Math.round(value / step) * step).toFixed(decimals));
}

/** Readings kept for the host before the oldest are dropped (a host that never collects them). */
const MAX_PENDING = 200_000;

/**
 * The readback side of one channel: turns the exact (V, I) of each simulated segment into the
 * readings the instrument would report, and keeps the ones a host has not collected yet.
 */
export class ChannelReadback {
  private readonly vGain: number;
  private readonly vOffset: number;
  private readonly iGain: number;
  private readonly iOffset: number;
  private untilNextS: number;
  private pending: Reading[] = [];
  private latest: Reading | undefined;
  /** Readings dropped because nobody collected them. */
  dropped = 0;

  constructor(private readonly m: ReadbackModel, private readonly rnd: ReadbackRandom) {
    if (!(m.intervalS > 0) || !(m.voltageStepV > 0) || !(m.currentStepA > 0)) {
      throw new EveError('SIM_BAD_OPTION', `readback model needs positive interval and steps, got ${JSON.stringify(m)}`);
    }
    const sym = (bound: number) => (2 * rnd.next() - 1) * bound;
    this.vGain = 1 + sym(m.voltageGain);
    this.vOffset = sym(m.voltageOffsetV);
    this.iGain = 1 + sym(m.currentGain);
    this.iOffset = sym(m.currentOffsetA);
    this.untilNextS = rnd.next() * m.intervalS; // random phase against the board's activity
  }

  /** One reading of the true (V, I), as the instrument reports it. */
  read(voltageV: number, currentA: number): Reading {
    const v = voltageV * this.vGain + this.vOffset + this.m.voltageNoiseV * this.rnd.normal();
    const i = currentA * this.iGain + this.iOffset + this.m.currentNoiseA * this.rnd.normal();
    return { voltageV: quantise(v, this.m.voltageStepV), currentA: quantise(i, this.m.currentStepA) };
  }

  /** The output held (V, I) for `durationS`: take the readings that fall in that time. */
  advance(durationS: number, voltageV: number, currentA: number): void {
    let left = durationS;
    while (left >= this.untilNextS) {
      left -= this.untilNextS;
      // ±50 % jitter: poll round trips vary, and a fixed period could lock onto a periodic load
      this.untilNextS = this.m.intervalS * (0.5 + this.rnd.next());
      this.push(this.read(voltageV, currentA));
    }
    this.untilNextS -= left;
  }

  private push(r: Reading): void {
    this.latest = r;
    if (this.pending.length >= MAX_PENDING) {
      // drop the oldest half at once: amortised O(1) for a host that never collects
      const n = MAX_PENDING / 2;
      this.pending.splice(0, n);
      this.dropped += n;
    }
    this.pending.push(r);
  }

  /** The most recent reading (what `:MEAS?` answers), or a fresh one of `(v, i)` if none yet. */
  last(voltageV: number, currentA: number): Reading {
    return this.latest ?? this.read(voltageV, currentA);
  }

  /** Up to `max` of the readings not collected yet, oldest first. */
  collect(max: number): Reading[] {
    return this.pending.splice(0, max);
  }

  /** Output switched: readings restart from the new state. */
  restart(): void {
    this.latest = undefined;
  }
}
