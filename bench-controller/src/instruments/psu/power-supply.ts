/**
 * The programmable power supply port: what the bench does with any supply (Rigol, Keysight,
 * Siglent, the simulator). Channels are 1-based as on the front panel. Every call may block on
 * the instrument, so each takes an optional AbortSignal.
 */
import type { InstrumentIdentity } from '../../scpi/scpi-session.js';

export interface PowerSupply {
  readonly identity: InstrumentIdentity;
  /** Number of output channels, numbered 1..channels. */
  readonly channels: number;
  setVoltage(channel: number, volts: number, signal?: AbortSignal): Promise<void>;
  setCurrentLimit(channel: number, amps: number, signal?: AbortSignal): Promise<void>;
  setOutput(channel: number, on: boolean, signal?: AbortSignal): Promise<void>;
  measureVoltage(channel: number, signal?: AbortSignal): Promise<number>;
  measureCurrent(channel: number, signal?: AbortSignal): Promise<number>;
  measurePower(channel: number, signal?: AbortSignal): Promise<number>;
  /**
   * Arms the instrument's own over-voltage and over-current protection on a channel (the output
   * switches off if exceeded, independent of this host). Only where the instrument offers it.
   */
  setProtection?(channel: number, limits: { ovpV: number; ocpA: number }, signal?: AbortSignal): Promise<void>;
  /**
   * Simulator only (EVE's SimPsu): the readings a host polling the channel back to back would
   * have collected since the previous call, because simulated time does not follow the wall clock.
   * Real instruments lack it and are polled (measure/readback-stream.ts).
   */
  collectSimReadings?(channel: number, signal?: AbortSignal): Promise<Array<{ voltageV: number; currentA: number }>>;
  close(): Promise<void>;
}

/** Ratings a driver knows for each channel: the instrument refuses anything beyond them. */
export interface ChannelRange {
  maxVoltageV: number;
  maxCurrentA: number;
}
