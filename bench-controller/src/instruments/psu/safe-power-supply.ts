/**
 * Safety limits in front of any PowerSupply: a set beyond a channel's limit is refused with
 * PSU_LIMIT (never clamped — a silently lower voltage would corrupt a measurement), a channel
 * without limits cannot be driven, an output is switched on only after its voltage and current
 * limit were programmed through this wrapper, and `shutdown()` switches every output off.
 * Where the instrument has its own OVP/OCP, the wrapper arms them at the channel limits before
 * the channel's first switch-on, so the limits hold even if this host dies mid-run.
 */
import { EveError } from '@eve-bench/device-agent';
import type { InstrumentIdentity } from '../../scpi/scpi-session.js';
import type { ChannelRange, ListCapability, ListPoint, PowerSupply } from './power-supply.js';

export type ChannelLimits = Record<number, ChannelRange>;

export interface SafePowerSupplyOptions {
  /** On abort the wrapper shuts every output down and refuses further sets. */
  signal?: AbortSignal;
}

export class SafePowerSupply implements PowerSupply {
  readonly collectSimReadings?: PowerSupply['collectSimReadings'];
  readonly listMode?: ListCapability;
  readonly uploadList?: (channel: number, points: readonly ListPoint[], signal?: AbortSignal) => Promise<void>;
  readonly startList?: (channel: number, signal?: AbortSignal) => Promise<void>;
  readonly stopList?: (channel: number, signal?: AbortSignal) => Promise<void>;
  /** Channels whose current list was uploaded through this wrapper (so every point was checked). */
  private readonly listed = new Set<number>();
  private readonly programmed = new Map<number, { voltage: boolean; current: boolean }>();
  private readonly armed = new Set<number>();
  private aborted: EveError | undefined;
  private abortShutdown: Promise<void> | undefined;

  constructor(private readonly inner: PowerSupply, private readonly limits: ChannelLimits, options: SafePowerSupplyOptions = {}) {
    for (const [ch, l] of Object.entries(limits)) {
      const n = Number(ch);
      if (!Number.isInteger(n) || n < 1 || n > inner.channels) {
        throw new EveError('PSU_LIMIT', `limits for channel ${ch}, but ${inner.identity.model} has channels 1-${inner.channels}`);
      }
      if (!(l.maxVoltageV > 0) || !(l.maxCurrentA > 0)) {
        throw new EveError('PSU_LIMIT', `channel ${ch}: limits must be positive numbers, got ${JSON.stringify(l)}`);
      }
    }
    if (inner.collectSimReadings) this.collectSimReadings = (ch, signal) => inner.collectSimReadings!(ch, signal);
    if (inner.listMode && inner.uploadList && inner.startList && inner.stopList) {
      const [upload, start, stop] = [inner.uploadList.bind(inner), inner.startList.bind(inner), inner.stopList.bind(inner)];
      this.listMode = inner.listMode;
      this.uploadList = async (ch, points, signal) => {
        const l = this.limitsOf(ch);
        if (!Array.isArray(points)) throw new EveError('PSU_LIMIT', `channel ${ch}: a list must be an array of points`);
        // Every point is checked before anything is sent: the instrument steps them without us.
        points.forEach((p, i) => {
          this.check(`list point ${i} voltage`, p?.voltageV, l.maxVoltageV, 'V', ch);
          this.check(`list point ${i} current limit`, p?.currentA, l.maxCurrentA, 'A', ch);
        });
        this.listed.delete(ch);
        await upload(ch, points, signal);
        this.listed.add(ch);
      };
      this.startList = async (ch, signal) => {
        this.limitsOf(ch);
        if (!this.listed.has(ch)) throw new EveError('PSU_LIMIT', `channel ${ch}: upload the list through the safety wrapper before starting it`);
        await start(ch, signal);
      };
      this.stopList = (ch, signal) => stop(ch, signal);
    }
    const signal = options.signal;
    if (signal) {
      const onAbort = () => {
        this.aborted = new EveError('PSU_ABORTED', `${inner.identity.model}: aborted; outputs switched off`, { cause: signal.reason });
        this.abortShutdown = this.shutdown();
        // Kept for whenShutDown(); marked handled here so a failure is reported there, not as an unhandled rejection.
        this.abortShutdown.catch(() => undefined);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  }

  get identity(): InstrumentIdentity {
    return this.inner.identity;
  }

  get channels(): number {
    return this.inner.channels;
  }

  /** Resolves when the abort-triggered shutdown finished (rejects if it failed); undefined if not aborted. */
  whenShutDown(): Promise<void> | undefined {
    return this.abortShutdown;
  }

  async setVoltage(channel: number, volts: number, signal?: AbortSignal): Promise<void> {
    const l = this.limitsOf(channel);
    this.check('voltage', volts, l.maxVoltageV, 'V', channel);
    await this.inner.setVoltage(channel, volts, signal);
    this.state(channel).voltage = true;
  }

  async setCurrentLimit(channel: number, amps: number, signal?: AbortSignal): Promise<void> {
    const l = this.limitsOf(channel);
    this.check('current limit', amps, l.maxCurrentA, 'A', channel);
    await this.inner.setCurrentLimit(channel, amps, signal);
    this.state(channel).current = true;
  }

  async setOutput(channel: number, on: boolean, signal?: AbortSignal): Promise<void> {
    if (on) {
      this.limitsOf(channel);
      const s = this.state(channel);
      if (!s.voltage || !s.current) {
        throw new EveError('PSU_LIMIT', `channel ${channel}: program voltage and current limit before switching the output on (the instrument may hold older, higher setpoints)`);
      }
      if (this.inner.setProtection && !this.armed.has(channel)) {
        const l = this.limitsOf(channel);
        await this.inner.setProtection(channel, { ovpV: l.maxVoltageV, ocpA: l.maxCurrentA }, signal);
        this.armed.add(channel);
      }
    }
    await this.inner.setOutput(channel, on, signal);
  }

  measureVoltage(channel: number, signal?: AbortSignal): Promise<number> {
    return this.inner.measureVoltage(channel, signal);
  }

  measureCurrent(channel: number, signal?: AbortSignal): Promise<number> {
    return this.inner.measureCurrent(channel, signal);
  }

  measurePower(channel: number, signal?: AbortSignal): Promise<number> {
    return this.inner.measurePower(channel, signal);
  }

  /**
   * Switches every output off, trying all channels even if one fails; then reports the
   * failures together (PSU_SHUTDOWN_FAILED, retriable). Not cancellable on purpose.
   */
  async shutdown(): Promise<void> {
    const failures: Array<{ channel: number; error: unknown }> = [];
    for (let ch = 1; ch <= this.inner.channels; ch++) {
      try {
        // A running list would keep moving setpoints; stop it first (the output goes off regardless).
        if (this.listed.has(ch)) await this.inner.stopList!(ch).catch(() => undefined);
        await this.inner.setOutput(ch, false);
      } catch (error) {
        failures.push({ channel: ch, error });
      }
    }
    if (failures.length > 0) {
      const detail = failures.map((f) => `CH${f.channel}: ${(f.error as Error).message}`).join('; ');
      throw new EveError('PSU_SHUTDOWN_FAILED', `${this.inner.identity.model}: could not switch every output off (${detail})`, {
        retriable: true,
        cause: failures.length === 1 ? failures[0]!.error : new AggregateError(failures.map((f) => f.error)),
      });
    }
  }

  /** Shuts the outputs down, then closes the instrument; a shutdown failure is still reported. */
  async close(): Promise<void> {
    try {
      await this.shutdown();
    } finally {
      await this.inner.close();
    }
  }

  private limitsOf(channel: number): ChannelRange {
    if (this.aborted) throw this.aborted;
    const l = this.limits[channel];
    if (!l) throw new EveError('PSU_LIMIT', `channel ${channel} has no safety limits configured, so it cannot be driven`);
    return l;
  }

  private check(what: string, value: number, max: number, unit: string, channel: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
      throw new EveError('PSU_LIMIT', `channel ${channel}: ${what} ${String(value)} ${unit} refused (limit 0..${max} ${unit})`);
    }
  }

  private state(channel: number): { voltage: boolean; current: boolean } {
    let s = this.programmed.get(channel);
    if (!s) this.programmed.set(channel, (s = { voltage: false, current: false }));
    return s;
  }
}
