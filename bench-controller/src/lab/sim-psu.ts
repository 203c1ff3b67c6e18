/**
 * A simulated Rigol DP832: three channels, each a SupplyTerminal a virtual board's power node is
 * wired to. The channel keeps the exact energy and charge delivered (ground truth, for tests) and
 * reports readbacks the way the instrument would (readback-model.ts). Served over TCP by
 * scpi-server.ts.
 *
 * Ratings and settable ranges: DP800 Programming Guide, Table 2-1 — DP832 CH1/CH2 30 V/3 A
 * (settable 0-32 V, 0-3.2 A), CH3 5 V/3 A (settable 0-5.3 V, 0-3.2 A); power-on defaults 0 V / 3 A.
 * Readbacks come from readback-model.ts: the DP832's resolution, accuracy, noise and polling
 * rate, with seeded randomness. The exact energy is kept only as ground truth for tests; nothing
 * served over SCPI reveals it.
 */
import type { SupplyTerminal } from '@eve-bench/device-agent';
import { EveError } from '@eve-bench/device-agent';
import { createRng } from '@eve-bench/search';
import { ChannelReadback, DP832_READBACK, quantise, type Reading, type ReadbackModel } from './readback-model.js';

export { quantise };
const POWER_STEP_W = 0.001;

export interface SimChannelSpec {
  ratedVoltageV: number;
  ratedCurrentA: number;
  /** Highest value the instrument accepts; beyond it: -222 "Data out of range". */
  maxVoltageV: number;
  maxCurrentA: number;
}

export const DP832_CHANNELS: readonly SimChannelSpec[] = [
  { ratedVoltageV: 30, ratedCurrentA: 3, maxVoltageV: 32, maxCurrentA: 3.2 },
  { ratedVoltageV: 30, ratedCurrentA: 3, maxVoltageV: 32, maxCurrentA: 3.2 },
  { ratedVoltageV: 5, ratedCurrentA: 3, maxVoltageV: 5.3, maxCurrentA: 3.2 },
];

export interface SimPsuOptions {
  /** Serial number in *IDN?; the DP8SIM prefix tells drivers the simulator's reading log is there. */
  serial?: string;
  readback?: ReadbackModel;
  /** Seed of the readback noise and calibration errors (default 1). */
  seed?: number;
}

/** SCPI error-queue entry codes used by the simulator (IEEE 488.2 / SCPI-99 numbering). */
export interface ScpiErrorEntry {
  code: number;
  message: string;
}

/** Over-voltage / over-current protection of one channel: a trip switches the output off. */
export interface SimProtection {
  ovpV: number;
  ovpOn: boolean;
  ocpA: number;
  ocpOn: boolean;
  ovpTripped: boolean;
  ocpTripped: boolean;
}

export class SimPsuChannel implements SupplyTerminal {
  /** Defaults are the simulator's choice (just above the settable range, disabled); not checked against a DP832. */
  readonly protection: SimProtection;
  private voltageV = 0;
  private currentLimitA = 3;
  private outputOn = false;
  private last: { voltageV: number; currentA: number } | undefined;
  private energyJ = 0;
  private chargeC = 0;
  private offCount = 0;

  constructor(readonly number: number, readonly spec: SimChannelSpec, private readonly readback: ChannelReadback) {
    this.protection = this.defaultProtection();
  }

  private defaultProtection(): SimProtection {
    return { ovpV: this.spec.maxVoltageV + 1, ovpOn: false, ocpA: this.spec.maxCurrentA + 0.1, ocpOn: false, ovpTripped: false, ocpTripped: false };
  }

  /** Trips OVP/OCP (output off) if the terminal quantities exceed an enabled threshold. */
  private checkProtection(voltageV: number, currentA: number): void {
    if (!this.outputOn) return;
    const p = this.protection;
    if (p.ovpOn && voltageV > p.ovpV) p.ovpTripped = true;
    if (p.ocpOn && currentA > p.ocpA) p.ocpTripped = true;
    if (p.ovpTripped || p.ocpTripped) this.setOutput(false);
  }

  /** Constant-current when the last segment ran at the current limit, else constant-voltage. */
  mode(): 'CV' | 'CC' {
    return this.outputOn && this.last !== undefined && this.currentLimitA > 0 && this.last.currentA >= this.currentLimitA * 0.999 ? 'CC' : 'CV';
  }

  setpoint(): { voltageV: number; currentLimitA: number; outputOn: boolean } {
    return { voltageV: this.voltageV, currentLimitA: this.currentLimitA, outputOn: this.outputOn };
  }

  delivered(segment: { durationS: number; currentA: number; voltageV: number; energyJ: number }): void {
    const { durationS, currentA, voltageV, energyJ } = segment;
    if (![durationS, currentA, voltageV, energyJ].every(Number.isFinite) || durationS < 0 || energyJ < 0 || currentA < 0) {
      throw new EveError('SIM_BAD_SEGMENT', `CH${this.number}: impossible supply segment ${JSON.stringify(segment)}`);
    }
    this.energyJ += energyJ;
    this.chargeC += currentA * durationS;
    this.last = { voltageV, currentA };
    this.readback.advance(durationS, this.outputOn ? voltageV : 0, this.outputOn ? currentA : 0);
    this.checkProtection(voltageV, currentA);
  }

  outputOffCount(): number {
    return this.offCount;
  }

  /** Returns false (and changes nothing) when `v` is outside the settable range. */
  setVoltage(v: number): boolean {
    if (!(v >= 0 && v <= this.spec.maxVoltageV)) return false;
    this.voltageV = v;
    if (this.last === undefined) this.checkProtection(v, 0);
    return true;
  }

  setCurrentLimit(a: number): boolean {
    if (!(a >= 0 && a <= this.spec.maxCurrentA)) return false;
    this.currentLimitA = a;
    return true;
  }

  setOutput(on: boolean): void {
    // A tripped protection must be cleared (:OUTP:OVP:CLE) before the output can come back.
    if (on && (this.protection.ovpTripped || this.protection.ocpTripped)) return;
    if (on !== this.outputOn) {
      if (!on) this.offCount++;
      this.last = undefined;
      this.readback.restart();
    }
    this.outputOn = on;
    if (on) this.checkProtection(this.voltageV, 0);
  }

  reset(): void {
    this.voltageV = 0;
    this.currentLimitA = 3;
    this.setOutput(false);
    Object.assign(this.protection, this.defaultProtection());
  }

  /** What `:MEAS:ALL?` answers: 0 with the output off, else the instrument's latest reading. */
  measure(): Reading {
    if (!this.outputOn) return { voltageV: 0, currentA: 0 };
    return this.readback.last(this.last?.voltageV ?? this.voltageV, this.last?.currentA ?? 0);
  }

  measureVoltage(): number {
    return this.measure().voltageV;
  }

  measureCurrent(): number {
    return this.measure().currentA;
  }

  measurePower(): number {
    const r = this.measure();
    return quantise(r.voltageV * r.currentA, POWER_STEP_W);
  }

  /**
   * Readings taken since the last call: what a host polling `:MEAS:ALL?` back to back would have
   * collected meanwhile (simulated time does not follow the wall clock, so the host cannot poll
   * it in real time). Same rate, resolution and noise as `:MEAS?`; never the exact energy.
   */
  collectReadings(max: number): Reading[] {
    return this.readback.collect(max);
  }

  /** Ground truth: exact energy delivered since construction, joules. */
  get truthEnergyJ(): number {
    return this.energyJ;
  }

  /** Ground truth: exact charge delivered since construction, coulombs. */
  get truthChargeC(): number {
    return this.chargeC;
  }
}

const ERROR_QUEUE_DEPTH = 16;

export class SimPsu {
  readonly idn: string;
  private readonly channelList: SimPsuChannel[];
  private readonly errorQueue: ScpiErrorEntry[] = [];
  /** Channel addressed by commands without an explicit one (`:INST:NSEL`). */
  selected = 1;
  beep = true;
  /** Over-temperature protection enabled (front-panel setting). */
  otp = true;

  constructor(options: SimPsuOptions = {}) {
    const serial = options.serial ?? 'DP8SIM0001';
    if (!/^[A-Za-z0-9]+$/.test(serial)) throw new EveError('SIM_BAD_OPTION', `serial must be alphanumeric, got '${serial}'`);
    this.idn = `RIGOL TECHNOLOGIES,DP832,${serial},00.01.16`;
    const model = options.readback ?? DP832_READBACK;
    const rng = createRng(options.seed ?? 1);
    this.channelList = DP832_CHANNELS.map((spec, i) => new SimPsuChannel(i + 1, spec, new ChannelReadback(model, rng.fork())));
  }

  get channelCount(): number {
    return this.channelList.length;
  }

  /** Channel `n` (1-based); what a virtual board's power node is wired to. */
  channel(n: number): SimPsuChannel {
    const c = Number.isInteger(n) ? this.channelList[n - 1] : undefined;
    if (!c) throw new EveError('SIM_BAD_CHANNEL', `the DP832 has channels 1-${this.channelList.length}, got ${n}`);
    return c;
  }

  truthEnergyJ(n: number): number {
    return this.channel(n).truthEnergyJ;
  }

  /** `*RST`: setpoints to defaults, outputs off, CH1 selected. The energy accumulators keep counting. */
  reset(): void {
    for (const c of this.channelList) c.reset();
    this.selected = 1;
  }

  pushError(code: number, message: string): void {
    if (this.errorQueue.length >= ERROR_QUEUE_DEPTH) {
      // SCPI-99: when full, the last entry is replaced by -350 and newer errors are lost.
      this.errorQueue[ERROR_QUEUE_DEPTH - 1] = { code: -350, message: 'Queue overflow' };
      return;
    }
    this.errorQueue.push({ code, message });
  }

  popError(): ScpiErrorEntry {
    return this.errorQueue.shift() ?? { code: 0, message: 'No error' };
  }

  clearErrors(): void {
    this.errorQueue.length = 0;
  }
}
