/**
 * Replays a harvest trace through one supply channel, emulating the harvester as a
 * current-limited source: at the programmed voltage, the current limit for each step is the
 * trace's power divided by that voltage. Time is the *device's* clock (its timestamps), so the
 * replay stays aligned with what the board experienced, however slow the host link is.
 */
import type { HarvestTrace } from '@eve-bench/device-agent';
import { powerAt } from '@eve-bench/device-agent';
import type { PowerSupply } from '../instruments/psu/power-supply.js';

export interface ReplayOptions {
  voltageV: number;
  /** Floor for the current limit, amps: supplies cannot regulate at zero. */
  minCurrentA: number;
  /** Loop the trace when the device clock runs past its end. */
  loop: boolean;
}

export class HarvestReplayer {
  private originUs: number | undefined;
  private step = -1;
  private changes = 0;

  constructor(
    private readonly psu: PowerSupply,
    private readonly channel: number,
    private readonly trace: HarvestTrace,
    private readonly opts: ReplayOptions,
  ) {}

  /** Programs the channel for the trace's first step and switches the output on. */
  async start(deviceNowUs: number): Promise<void> {
    this.originUs = deviceNowUs;
    this.step = -1;
    await this.psu.setVoltage(this.channel, this.opts.voltageV);
    await this.sync(deviceNowUs);
    await this.psu.setOutput(this.channel, true);
  }

  /** Moves the current limit to the trace step that covers `deviceNowUs`; returns the harvest power. */
  async sync(deviceNowUs: number): Promise<number> {
    if (this.originUs === undefined) throw new Error('HarvestReplayer.sync before start');
    const total = this.trace.powerW.length * this.trace.stepS;
    let tS = Math.max(0, (deviceNowUs - this.originUs) / 1e6);
    if (this.opts.loop && total > 0) tS %= total;
    const step = Math.min(this.trace.powerW.length - 1, Math.floor(tS / this.trace.stepS));
    const powerW = powerAt(this.trace, tS);
    if (step !== this.step) {
      this.step = step;
      this.changes++;
      await this.psu.setCurrentLimit(this.channel, Math.max(this.opts.minCurrentA, powerW / this.opts.voltageV));
    }
    return powerW;
  }

  get stepChanges(): number {
    return this.changes;
  }
}
