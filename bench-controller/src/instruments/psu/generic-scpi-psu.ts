/**
 * The generic SCPI-99 profile for a supply without its own driver: `INST:NSEL n` joined with
 * the command in one program message (`:INST:NSEL 2;:VOLT 3.3`), so a selection is never left
 * for a later command to rely on; `SYST:ERR?` after every set; power as V x I. The instrument
 * cannot tell us its channel count or ratings in standard SCPI, so they come from configuration.
 */
import { EveError } from '@eve-bench/device-agent';
import { parseScpiNumber, scpiNumber } from '../../scpi/scpi-arguments.js';
import type { InstrumentIdentity, ScpiSession } from '../../scpi/scpi-session.js';
import type { ChannelRange, PowerSupply } from './power-supply.js';
import { checkChannel } from './psu-channel.js';

export class GenericScpiPsu implements PowerSupply {
  readonly channels: number;

  constructor(private readonly session: ScpiSession, readonly identity: InstrumentIdentity, private readonly ranges: readonly ChannelRange[]) {
    if (ranges.length < 1 || ranges.some((r) => !(r.maxVoltageV > 0) || !(r.maxCurrentA > 0))) {
      throw new EveError('PSU_BAD_OPTION', `the generic profile needs a positive rating per channel, got ${JSON.stringify(ranges)}`);
    }
    this.channels = ranges.length;
  }

  async setVoltage(channel: number, volts: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    const v = scpiNumber(volts, { min: 0, max: this.ranges[n - 1]!.maxVoltageV, decimals: 3 });
    await this.session.writeChecked(`:INST:NSEL ${n};:VOLT ${v}`, signal);
  }

  async setCurrentLimit(channel: number, amps: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    const a = scpiNumber(amps, { min: 0, max: this.ranges[n - 1]!.maxCurrentA, decimals: 4 });
    await this.session.writeChecked(`:INST:NSEL ${n};:CURR ${a}`, signal);
  }

  async setOutput(channel: number, on: boolean, signal?: AbortSignal): Promise<void> {
    if (typeof on !== 'boolean') throw new EveError('SCPI_BAD_ARGUMENT', `output state must be a boolean, got ${String(on)}`);
    await this.session.writeChecked(`:INST:NSEL ${this.ch(channel)};:OUTP ${on ? 'ON' : 'OFF'}`, signal);
  }

  async measureVoltage(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`:INST:NSEL ${this.ch(channel)};:MEAS:VOLT?`, signal);
  }

  async measureCurrent(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`:INST:NSEL ${this.ch(channel)};:MEAS:CURR?`, signal);
  }

  async measurePower(channel: number, signal?: AbortSignal): Promise<number> {
    const v = await this.measureVoltage(channel, signal);
    return v * (await this.measureCurrent(channel, signal));
  }

  close(): Promise<void> {
    return this.session.close();
  }

  private async measure(command: string, signal?: AbortSignal): Promise<number> {
    return parseScpiNumber(command, await this.session.query(command, signal));
  }

  private ch(channel: number): number {
    return checkChannel(this.identity.model, this.channels, channel);
  }
}
