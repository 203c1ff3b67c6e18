/**
 * Replays a harvest trace through one supply channel, emulating the harvester as a
 * current-limited source (harvest-source.ts: a power trace at the rail voltage, or a solar cell
 * from Isc/Voc). Time is the *device's* clock (its timestamps), so the replay stays aligned with
 * what the board experienced, however slow the host link is.
 *
 * Two ways to step it:
 *  - list mode, when the supply has a list / timer function and the trace step is a dwell it
 *    can hold: a segment of up to `listMode.maxPoints` steps is uploaded and the instrument steps
 *    it itself; `sync` uploads the next segment once the device clock passes the end of this one
 *    (re-aligning instrument time to device time at each segment; the instrument's own clock
 *    drift within a segment is not corrected);
 *  - otherwise point by point: `sync` moves the setpoints whenever the step changes.
 * Setpoints go through the PowerSupply given — wrap it in SafePowerSupply, which checks every
 * list point against the channel limits before upload.
 */
import type { HarvestTrace } from '@eve-bench/device-agent';
import { EveError } from '@eve-bench/device-agent';
import type { ListPoint, PowerSupply } from '../instruments/psu/power-supply.js';
import { powerSource, type HarvestSource, type ReplayStep } from './harvest-source.js';

export interface ReplayOptions {
  voltageV: number;
  /** Floor for the current limit, amps: supplies cannot regulate at zero. */
  minCurrentA: number;
  /** Loop the trace when the device clock runs past its end. */
  loop: boolean;
  /** Use the instrument's list function when it has one (default true). */
  listMode?: boolean;
}

export class HarvestReplayer {
  private readonly source: HarvestSource;
  private originUs: number | undefined;
  private step = -1;
  private changes = 0;
  private uploads = 0;
  private segment: { start: number; end: number } | undefined;
  private applied: ReplayStep | undefined;

  constructor(
    private readonly psu: PowerSupply,
    private readonly channel: number,
    trace: HarvestTrace | HarvestSource,
    private readonly opts: ReplayOptions,
  ) {
    this.source = 'step' in trace ? trace : powerSource(trace, opts);
    if (this.source.length === 0) throw new EveError('TRACE_EMPTY', `trace '${this.source.name}' has no samples`);
  }

  /** 'list' when the instrument steps segments itself, else 'points'. */
  get mode(): 'list' | 'points' {
    const cap = this.psu.listMode;
    if (this.opts.listMode === false || !cap || !this.psu.uploadList || !this.psu.startList) return 'points';
    const k = this.source.stepS / cap.dwellResolutionS;
    const fits = this.source.stepS >= cap.minDwellS && this.source.stepS <= cap.maxDwellS && Math.abs(k - Math.round(k)) < 1e-6;
    return fits ? 'list' : 'points';
  }

  /** Programs the channel for the step at `deviceNowUs`, switches the output on, starts stepping. */
  async start(deviceNowUs: number): Promise<void> {
    this.originUs = deviceNowUs;
    this.step = -1;
    this.segment = undefined;
    this.applied = undefined;
    const first = this.source.step(0);
    await this.apply(first);
    await this.psu.setOutput(this.channel, true);
    await this.sync(deviceNowUs);
  }

  /** Brings the channel to the step that covers `deviceNowUs`; returns the harvest power. */
  async sync(deviceNowUs: number): Promise<number> {
    if (this.originUs === undefined) throw new EveError('REPLAY_NOT_STARTED', 'HarvestReplayer.sync before start');
    const stepS = this.source.stepS;
    const total = this.source.length * stepS;
    let tS = Math.max(0, (deviceNowUs - this.originUs) / 1e6);
    if (this.opts.loop && total > 0) tS %= total;
    const step = Math.min(this.source.length - 1, Math.floor(tS / stepS));
    const now = this.source.step(step);
    if (step === this.step) return now.powerW;
    this.step = step;
    this.changes++;
    if (this.mode === 'list') {
      const seg = this.segment;
      if (!seg || step < seg.start || step >= seg.end) await this.uploadSegment(step, (step + 1) * stepS - tS);
    } else {
      await this.apply(now);
    }
    return now.powerW;
  }

  /** Steps the replay moved through (each a host write in point mode). */
  get stepChanges(): number {
    return this.changes;
  }

  /** Segments uploaded in list mode. */
  get listUploads(): number {
    return this.uploads;
  }

  private async apply(s: ReplayStep): Promise<void> {
    if (this.applied?.voltageV !== s.voltageV) await this.psu.setVoltage(this.channel, s.voltageV);
    if (this.applied?.currentA !== s.currentA) await this.psu.setCurrentLimit(this.channel, s.currentA);
    this.applied = s;
  }

  /** Uploads steps [from, from + maxPoints) (not past the trace's end) and starts the list. */
  private async uploadSegment(from: number, firstRemainingS: number): Promise<void> {
    const cap = this.psu.listMode!;
    const end = Math.min(this.source.length, from + cap.maxPoints);
    const points: ListPoint[] = [];
    for (let i = from; i < end; i++) {
      const s = this.source.step(i);
      points.push({ voltageV: s.voltageV, currentA: s.currentA, dwellS: this.source.stepS });
    }
    // The first point only lasts for what remains of its step, rounded to the instrument's grid.
    const res = cap.dwellResolutionS;
    points[0]!.dwellS = Math.min(this.source.stepS, Math.max(cap.minDwellS, Math.round(firstRemainingS / res) * res));
    await this.psu.uploadList!(this.channel, points);
    await this.psu.startList!(this.channel);
    this.segment = { start: from, end };
    this.uploads++;
    const last = this.source.step(end - 1);
    this.applied = last; // the instrument holds the last point when the list ends
  }
}
