/**
 * Readings of one supply channel over an interval the bench chooses: started when the board
 * answers the window's first request, stopped when it answers the last, so the readings belong
 * to the device-time interval between the two answers. Two implementations:
 * - PollingReadbacks: a real instrument, polled back to back (`:MEAS:VOLT?` + `:MEAS:CURR?`) for
 *   as long as the window runs; the rate is whatever the SCPI round trip allows.
 * - the simulator's reading log (RigolDp832.collectSimReadings), because simulated time does not
 *   follow the wall clock: it returns what such a poll loop would have collected.
 */
import { EveError } from '@eve-bench/device-agent';
import type { PowerSupply } from '../instruments/psu/power-supply.js';

export interface Reading {
  voltageV: number;
  currentA: number;
}

export interface ReadbackStream {
  /** Relative gain error of V·I the instrument's datasheet allows (systematic, not averaged away). */
  readonly gainAccuracy: number;
  start(signal?: AbortSignal): Promise<void>;
  /** Readings since start, oldest first. */
  stop(signal?: AbortSignal): Promise<Reading[]>;
}

/** DP832/DP832A readback accuracy: ±0.15 % of current plus ±0.05 % of voltage (see lab/readback-model.ts). */
export const DP832_GAIN_ACCURACY = 0.0015 + 0.0005;

export class PollingReadbacks implements ReadbackStream {
  private loop: Promise<Reading[]> | undefined;
  private running = false;

  constructor(private readonly psu: PowerSupply, private readonly channel: number, readonly gainAccuracy: number) {}

  async start(signal?: AbortSignal): Promise<void> {
    if (this.loop) throw new EveError('MEASURE_STATE', 'readbacks already started');
    this.running = true;
    this.loop = (async () => {
      const out: Reading[] = [];
      while (this.running) {
        const voltageV = await this.psu.measureVoltage(this.channel, signal);
        const currentA = await this.psu.measureCurrent(this.channel, signal);
        out.push({ voltageV, currentA });
      }
      return out;
    })();
    this.loop.catch(() => undefined); // reported by stop()
  }

  async stop(): Promise<Reading[]> {
    if (!this.loop) throw new EveError('MEASURE_STATE', 'readbacks not started');
    this.running = false;
    const loop = this.loop;
    this.loop = undefined;
    return loop;
  }
}

/** The simulator's log, drained at start (readings before the window are not ours) and at stop. */
export class SimLogReadbacks implements ReadbackStream {
  constructor(
    private readonly collect: (channel: number, signal?: AbortSignal) => Promise<Reading[]>,
    private readonly channel: number,
    readonly gainAccuracy: number,
  ) {}

  async start(signal?: AbortSignal): Promise<void> {
    await this.collect(this.channel, signal);
  }

  stop(signal?: AbortSignal): Promise<Reading[]> {
    return this.collect(this.channel, signal);
  }
}

/** The simulator's log where the supply has one, else polling. */
export function readbacksFor(psu: PowerSupply, channel: number, gainAccuracy = DP832_GAIN_ACCURACY): ReadbackStream {
  return psu.collectSimReadings
    ? new SimLogReadbacks((ch, s) => psu.collectSimReadings!(ch, s), channel, gainAccuracy)
    : new PollingReadbacks(psu, channel, gainAccuracy);
}
