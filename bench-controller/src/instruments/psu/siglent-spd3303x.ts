/**
 * Siglent SPD3303X / SPD3303X-E, SPD3000X programming guide dialect: `CH1:VOLT 3.3`,
 * `MEAS:CURR? CH1`, `OUTP CH1,ON`, and a five-group timer (`TIMEr:SET`, `TIMEr CH1,ON`). Much
 * of its firmware has no usable `SYST:ERR?` (absent, or answering without the SCPI quotes), so
 * instead of an error-queue check each setpoint is read back and a mismatch is
 * PSU_SETPOINT_REJECTED. Only CH1 and CH2 are programmable (CH3 is a fixed 2.5/3.3/5 V output).
 * No OVP/OCP commands exist, so SafePowerSupply's host-side limits are the protection.
 */
import { EveError } from '@eve-bench/device-agent';
import { parseScpiNumber, scpiInteger, scpiNumber } from '../../scpi/scpi-arguments.js';
import type { InstrumentIdentity, ScpiSession } from '../../scpi/scpi-session.js';
import type { ChannelRange, ListCapability, ListPoint, PowerSupply } from './power-supply.js';
import { checkChannel, checkListShape } from './psu-channel.js';

export const SPD3303X_RANGE: ChannelRange = { maxVoltageV: 32, maxCurrentA: 3.2 };
/** The timer function: five groups, whole seconds. */
export const SPD3303X_TIMER: ListCapability = { maxPoints: 5, minDwellS: 1, maxDwellS: 10000, dwellResolutionS: 1 };

export class SiglentSpd3303x implements PowerSupply {
  readonly channels = 2;
  readonly listMode = SPD3303X_TIMER;

  constructor(private readonly session: ScpiSession, readonly identity: InstrumentIdentity) {}

  async setVoltage(channel: number, volts: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    const v = scpiNumber(volts, { min: 0, max: SPD3303X_RANGE.maxVoltageV, decimals: 3 });
    await this.setAndVerify(`CH${n}:VOLT`, v, signal);
  }

  async setCurrentLimit(channel: number, amps: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    const a = scpiNumber(amps, { min: 0, max: SPD3303X_RANGE.maxCurrentA, decimals: 3 });
    await this.setAndVerify(`CH${n}:CURR`, a, signal);
  }

  async setOutput(channel: number, on: boolean, signal?: AbortSignal): Promise<void> {
    if (typeof on !== 'boolean') throw new EveError('SCPI_BAD_ARGUMENT', `output state must be a boolean, got ${String(on)}`);
    await this.session.write(`OUTP CH${this.ch(channel)},${on ? 'ON' : 'OFF'}`, signal);
  }

  async measureVoltage(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`MEAS:VOLT? CH${this.ch(channel)}`, signal);
  }

  async measureCurrent(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`MEAS:CURR? CH${this.ch(channel)}`, signal);
  }

  async measurePower(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`MEAS:POWE? CH${this.ch(channel)}`, signal);
  }

  /** One `TIMEr:SET CH<n>,<group>,<V>,<A>,<s>` per point, each read back. */
  async uploadList(channel: number, points: readonly ListPoint[], signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    checkListShape(this.identity.model, this.listMode, points);
    for (const [i, p] of points.entries()) {
      const group = scpiInteger(i + 1, { min: 1, max: this.listMode.maxPoints });
      const v = scpiNumber(p.voltageV, { min: 0, max: SPD3303X_RANGE.maxVoltageV, decimals: 3 });
      const a = scpiNumber(p.currentA, { min: 0, max: SPD3303X_RANGE.maxCurrentA, decimals: 3 });
      const s = scpiInteger(Math.round(p.dwellS), { min: this.listMode.minDwellS, max: this.listMode.maxDwellS });
      await this.session.write(`TIMEr:SET CH${n},${group},${v},${a},${s}`, signal);
      const back = (await this.session.query(`TIMEr:SET? CH${n},${group}`, signal)).split(',').map(Number);
      if (back.length !== 3 || back[0] !== Number(v) || back[1] !== Number(a) || back[2] !== Number(s)) {
        throw new EveError('PSU_SETPOINT_REJECTED', `${this.identity.model}: timer group ${group} of CH${n} reads back ${back.join(',')}, expected ${v},${a},${s}`);
      }
    }
  }

  async startList(channel: number, signal?: AbortSignal): Promise<void> {
    await this.session.write(`TIMEr CH${this.ch(channel)},ON`, signal);
  }

  async stopList(channel: number, signal?: AbortSignal): Promise<void> {
    await this.session.write(`TIMEr CH${this.ch(channel)},OFF`, signal);
  }

  close(): Promise<void> {
    return this.session.close();
  }

  private async setAndVerify(header: string, value: string, signal?: AbortSignal): Promise<void> {
    await this.session.write(`${header} ${value}`, signal);
    const back = await this.measure(`${header}?`, signal);
    if (Math.abs(back - Number(value)) > 5e-4) {
      throw new EveError('PSU_SETPOINT_REJECTED', `${this.identity.model}: '${header} ${value}' reads back ${back}`, { retriable: false });
    }
  }

  private async measure(command: string, signal?: AbortSignal): Promise<number> {
    return parseScpiNumber(command, await this.session.query(command, signal));
  }

  private ch(channel: number): number {
    return checkChannel(this.identity.model, this.channels, channel);
  }
}
