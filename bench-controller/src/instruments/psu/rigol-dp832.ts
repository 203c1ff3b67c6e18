/**
 * Rigol DP832 / DP832A (DP800 programming guide dialect). Setpoints are written with
 * `:SOUR<n>:...` rather than `:INST:NSEL` + `:VOLT` so every command is self-contained and a
 * channel selection can never be left over from an interrupted sequence. Each set is followed by
 * an error-queue check, because the DP832 silently keeps the old setpoint on -222.
 */
import { EveError } from '@eve-bench/device-agent';
import { parseScpiNumber, scpiNumber } from '../../scpi/scpi-arguments.js';
import type { InstrumentIdentity, ScpiSession } from '../../scpi/scpi-session.js';
import type { ChannelRange, ListCapability, ListPoint, PowerSupply } from './power-supply.js';
import { checkListShape } from './psu-channel.js';

/**
 * The timer function (`:TIMEr:*`): whole seconds from 1 s. The instrument holds 2048 groups;
 * we upload at most 100 per segment, because each group is its own checked command.
 */
export const DP832_TIMER: ListCapability = { maxPoints: 100, minDwellS: 1, maxDwellS: 99999, dwellResolutionS: 1 };

/** Settable ranges from the DP800 programming guide, Table 2-1 (DP832/DP832A: 32 V / 3.2 A, CH3 5.3 V / 3.2 A). */
export const DP832_RANGES: readonly ChannelRange[] = [
  { maxVoltageV: 32, maxCurrentA: 3.2 },
  { maxVoltageV: 32, maxCurrentA: 3.2 },
  { maxVoltageV: 5.3, maxCurrentA: 3.2 },
];

export interface RigolDp832Options {
  /**
   * The instrument answers `:SIM:READ? CH<n>,<max>` — the EVE simulator's (SimPsu) reading log,
   * NOT a DP832 command. Real DP832s are polled instead (measure/readback-stream.ts).
   */
  simReadingLog?: boolean;
}

export class RigolDp832 implements PowerSupply {
  readonly channels = 3;
  readonly collectSimReadings?: PowerSupply['collectSimReadings'];
  readonly listMode = DP832_TIMER;

  constructor(private readonly session: ScpiSession, readonly identity: InstrumentIdentity, options: RigolDp832Options = {}) {
    if (options.simReadingLog) this.collectSimReadings = (ch, signal) => this.readSimLog(this.ch(ch), signal);
  }

  async setVoltage(channel: number, volts: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    const v = scpiNumber(volts, { min: 0, max: DP832_RANGES[n - 1]!.maxVoltageV, decimals: 3 });
    await this.session.writeChecked(`:SOUR${n}:VOLT ${v}`, signal);
  }

  async setCurrentLimit(channel: number, amps: number, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    const a = scpiNumber(amps, { min: 0, max: DP832_RANGES[n - 1]!.maxCurrentA, decimals: 4 });
    await this.session.writeChecked(`:SOUR${n}:CURR ${a}`, signal);
  }

  async setOutput(channel: number, on: boolean, signal?: AbortSignal): Promise<void> {
    if (typeof on !== 'boolean') throw new EveError('SCPI_BAD_ARGUMENT', `output state must be a boolean, got ${String(on)}`);
    await this.session.writeChecked(`:OUTP CH${this.ch(channel)},${on ? 'ON' : 'OFF'}`, signal);
  }

  /** Programs and enables OVP/OCP (`:OUTP:OVP:VAL CH<n>,<v>` + `:OUTP:OVP CH<n>,ON`, same for OCP). */
  async setProtection(channel: number, limits: { ovpV: number; ocpA: number }, signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    const range = DP832_RANGES[n - 1]!;
    // The DP832 accepts protection thresholds a little above the settable range.
    const v = scpiNumber(limits.ovpV, { min: 0.01, max: range.maxVoltageV + 1, decimals: 3 });
    const a = scpiNumber(limits.ocpA, { min: 0.001, max: range.maxCurrentA + 0.1, decimals: 4 });
    await this.session.writeChecked(`:OUTP:OVP:VAL CH${n},${v}`, signal);
    await this.session.writeChecked(`:OUTP:OVP CH${n},ON`, signal);
    await this.session.writeChecked(`:OUTP:OCP:VAL CH${n},${a}`, signal);
    await this.session.writeChecked(`:OUTP:OCP CH${n},ON`, signal);
  }

  async measureVoltage(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`:MEAS:VOLT? CH${this.ch(channel)}`, signal);
  }

  async measureCurrent(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`:MEAS:CURR? CH${this.ch(channel)}`, signal);
  }

  async measurePower(channel: number, signal?: AbortSignal): Promise<number> {
    return this.measure(`:MEAS:POWE? CH${this.ch(channel)}`, signal);
  }

  /**
   * The timer works on the selected channel, so every command carries its own `:INST:NSEL`
   * in the same program message; one pass, holding the last group at the end.
   */
  async uploadList(channel: number, points: readonly ListPoint[], signal?: AbortSignal): Promise<void> {
    const n = this.ch(channel);
    checkListShape(this.identity.model, this.listMode, points);
    const range = DP832_RANGES[n - 1]!;
    const sel = `:INST:NSEL ${n}`;
    await this.session.writeChecked(`${sel};:TIME OFF`, signal);
    for (const [i, p] of points.entries()) {
      const v = scpiNumber(p.voltageV, { min: 0, max: range.maxVoltageV, decimals: 3 });
      const a = scpiNumber(p.currentA, { min: 0, max: range.maxCurrentA, decimals: 4 });
      const t = scpiNumber(p.dwellS, { min: this.listMode.minDwellS, max: this.listMode.maxDwellS, decimals: 0 });
      await this.session.writeChecked(`${sel};:TIME:PARA ${i},${v},${a},${t}`, signal);
    }
    await this.session.writeChecked(`${sel};:TIME:GROUP ${points.length}`, signal);
    await this.session.writeChecked(`${sel};:TIME:CYCLE N,1`, signal);
    await this.session.writeChecked(`${sel};:TIME:ENDS LAST`, signal);
  }

  async startList(channel: number, signal?: AbortSignal): Promise<void> {
    await this.session.writeChecked(`:INST:NSEL ${this.ch(channel)};:TIME ON`, signal);
  }

  async stopList(channel: number, signal?: AbortSignal): Promise<void> {
    await this.session.writeChecked(`:INST:NSEL ${this.ch(channel)};:TIME OFF`, signal);
  }

  close(): Promise<void> {
    return this.session.close();
  }

  private async measure(command: string, signal?: AbortSignal): Promise<number> {
    return parseScpiNumber(command, await this.session.query(command, signal));
  }

  private async readSimLog(n: number, signal?: AbortSignal): Promise<Array<{ voltageV: number; currentA: number }>> {
    const out: Array<{ voltageV: number; currentA: number }> = [];
    const max = 1000;
    for (;;) {
      const cmd = `:SIM:READ? CH${n},${max}`;
      const fields = (await this.session.query(cmd, signal)).split(',');
      const count = parseScpiNumber(cmd, fields[0] ?? '');
      if (!Number.isInteger(count) || count < 0 || count > max || fields.length !== 1 + 2 * count) {
        throw new EveError('SCPI_BAD_REPLY', `${cmd}: malformed reading log (${fields.length} fields for ${count} readings)`);
      }
      for (let i = 0; i < count; i++) {
        out.push({ voltageV: parseScpiNumber(cmd, fields[1 + 2 * i]!), currentA: parseScpiNumber(cmd, fields[2 + 2 * i]!) });
      }
      if (count < max) return out;
    }
  }

  private ch(channel: number): number {
    if (!Number.isInteger(channel) || channel < 1 || channel > this.channels) {
      throw new EveError('PSU_BAD_CHANNEL', `${this.identity.model} has channels 1-${this.channels}, got ${channel}`);
    }
    return channel;
  }
}
