/**
 * Keysight E36300 series (E36311A, E36312A, E36313A), E36300 programming guide dialect: every
 * command names its channel with a channel list `(@n)`, so no selection state is ever relied
 * on; each set is followed by a `SYST:ERR?` check. There is no power readback: power is V x I
 * from two readbacks. The LIST subsystem steps a harvest segment on the instrument.
 */
import { EveError } from '@eve-bench/device-agent';
import { parseScpiNumber, scpiNumber } from '../../scpi/scpi-arguments.js';
import type { InstrumentIdentity, ScpiSession } from '../../scpi/scpi-session.js';
import type { ChannelRange, ListCapability, ListPoint, PowerSupply } from './power-supply.js';
import { checkChannel, checkListShape } from './psu-channel.js';

/** Rated outputs per the E36300 series data sheet; the driver never programs beyond them. */
export const E36300_MODELS: Record<string, readonly ChannelRange[]> = {
  E36311A: [{ maxVoltageV: 6, maxCurrentA: 5 }, { maxVoltageV: 25, maxCurrentA: 1 }, { maxVoltageV: 25, maxCurrentA: 1 }],
  E36312A: [{ maxVoltageV: 6, maxCurrentA: 5 }, { maxVoltageV: 25, maxCurrentA: 1 }, { maxVoltageV: 25, maxCurrentA: 1 }],
  E36313A: [{ maxVoltageV: 6, maxCurrentA: 10 }, { maxVoltageV: 25, maxCurrentA: 2 }, { maxVoltageV: 25, maxCurrentA: 2 }],
};

/**
 * Keysight's LIST subsystem (as documented for the N6700 family, whose syntax the E36300 shares)
 * holds up to 512 steps with dwells of 0-262.144 s; not yet confirmed on an E36300. We use 1 ms
 * steps and upload at most 100 per list so one `LIST:VOLT` line stays under 1 KiB (the
 * simulator's input buffer and a safe size for any SCPI parser); longer traces go segment by
 * segment.
 */
export const E36300_LIST: ListCapability = { maxPoints: 100, minDwellS: 0.001, maxDwellS: 262.144, dwellResolutionS: 0.001 };

export class KeysightE36300 implements PowerSupply {
  readonly channels: number;
  readonly listMode = E36300_LIST;
  private readonly ranges: readonly ChannelRange[];

  constructor(private readonly session: ScpiSession, readonly identity: InstrumentIdentity) {
    const ranges = E36300_MODELS[identity.model.toUpperCase()];
    if (!ranges) throw new EveError('PSU_UNSUPPORTED', `${identity.model} is not an E36300 model (${Object.keys(E36300_MODELS).join(', ')})`);
    this.ranges = ranges;
    this.channels = ranges.length;
  }

  async setVoltage(channel: number, volts: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    await this.session.writeChecked(`VOLT ${this.volts(n, volts)},(@${n})`, signal);
  }

  async setCurrentLimit(channel: number, amps: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    await this.session.writeChecked(`CURR ${this.amps(n, amps)},(@${n})`, signal);
  }

  async setOutput(channel: number, on: boolean, signal?: AbortSignal): Promise<void> {
    if (typeof on !== 'boolean') throw new EveError('SCPI_BAD_ARGUMENT', `output state must be a boolean, got ${String(on)}`);
    await this.session.writeChecked(`OUTP ${on ? 'ON' : 'OFF'},(@${this.ch(channel)})`, signal);
  }

  /**
   * Arms OVP only. The E36300's OCP trips whenever the channel enters constant current at its
   * *setpoint*, which a harvest replay does on purpose; the current limit itself, bounded by
   * SafePowerSupply, is what caps the current.
   */
  async setProtection(channel: number, limits: { ovpV: number; ocpA: number }, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    const v = scpiNumber(limits.ovpV, { min: 0.01, max: this.ranges[n - 1]!.maxVoltageV * 1.1, decimals: 3 });
    await this.session.writeChecked(`VOLT:PROT ${v},(@${n})`, signal);
  }

  async measureVoltage(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`MEAS:VOLT? (@${this.ch(channel)})`, signal);
  }

  async measureCurrent(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`MEAS:CURR? (@${this.ch(channel)})`, signal);
  }

  async measurePower(channel: number, signal?: AbortSignal): Promise<number> {
    const v = await this.measureVoltage(channel, signal);
    return v * (await this.measureCurrent(channel, signal));
  }

  /** LIST:VOLT/CURR/DWEL, one pass, both setpoints in list mode, armed for a bus trigger. */
  async uploadList(channel: number, points: readonly ListPoint[], signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    checkListShape(this.identity.model, this.listMode, points);
    const volts = points.map((p) => this.volts(n, p.voltageV)).join(',');
    const amps = points.map((p) => this.amps(n, p.currentA)).join(',');
    const dwells = points.map((p) => scpiNumber(p.dwellS, { min: this.listMode.minDwellS, max: this.listMode.maxDwellS, decimals: 3 })).join(',');
    await this.session.writeChecked(`ABOR (@${n})`, signal);
    await this.session.writeChecked(`LIST:VOLT ${volts},(@${n})`, signal);
    await this.session.writeChecked(`LIST:CURR ${amps},(@${n})`, signal);
    await this.session.writeChecked(`LIST:DWEL ${dwells},(@${n})`, signal);
    await this.session.writeChecked(`LIST:COUN 1,(@${n})`, signal);
    await this.session.writeChecked(`VOLT:MODE LIST,(@${n})`, signal);
    await this.session.writeChecked(`CURR:MODE LIST,(@${n})`, signal);
    await this.session.writeChecked(`TRIG:SOUR BUS,(@${n})`, signal);
    await this.session.writeChecked(`INIT (@${n})`, signal);
  }

  /** `*TRG` starts every initiated channel's list at once. */
  async startList(channel: number, signal?: AbortSignal): Promise<void> {
    this.ch(channel);
    await this.session.writeChecked('*TRG', signal);
  }

  async stopList(channel: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    await this.session.writeChecked(`ABOR (@${n})`, signal);
    await this.session.writeChecked(`VOLT:MODE FIX,(@${n})`, signal);
    await this.session.writeChecked(`CURR:MODE FIX,(@${n})`, signal);
  }

  close(): Promise<void> {
    return this.session.close();
  }

  private volts(n: number, v: number): string {
    return scpiNumber(v, { min: 0, max: this.ranges[n - 1]!.maxVoltageV, decimals: 4 });
  }

  private amps(n: number, a: number): string {
    return scpiNumber(a, { min: 0, max: this.ranges[n - 1]!.maxCurrentA, decimals: 4 });
  }

  private async measure(command: string, signal?: AbortSignal): Promise<number> {
    return parseScpiNumber(command, await this.session.query(command, signal));
  }

  private ch(channel: number): number {
    return checkChannel(this.identity.model, this.channels, channel);
  }
}
