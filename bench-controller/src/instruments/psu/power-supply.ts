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
  /**
   * The instrument's own list / timer function, where it has one: points uploaded to a channel
   * are stepped by the instrument after `startList`, without host round trips.
   */
  readonly listMode?: ListCapability;
  /** Uploads `points` (replacing any earlier list); present exactly when `listMode` is. */
  uploadList?(channel: number, points: readonly ListPoint[], signal?: AbortSignal): Promise<void>;
  startList?(channel: number, signal?: AbortSignal): Promise<void>;
  stopList?(channel: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** One step of a list: setpoints held for `dwellS` seconds. */
export interface ListPoint {
  voltageV: number;
  currentA: number;
  dwellS: number;
}

/** What an instrument's list function can hold. Dwells are multiples of `dwellResolutionS`. */
export interface ListCapability {
  maxPoints: number;
  minDwellS: number;
  maxDwellS: number;
  dwellResolutionS: number;
}

/** Ratings a driver knows for each channel: the instrument refuses anything beyond them. */
export interface ChannelRange {
  maxVoltageV: number;
  maxCurrentA: number;
}
