/**
 * What the board side of the EVE protocol needs from the board it runs on. Implemented by the
 * VirtualBoard (simulated MCU and clock) and, for Linux-class boards, by a host with a real
 * monotonic clock. Methods throw BoardFault (with a NAK code) to refuse a request.
 */
import type { Counters, Identity, InferResult } from './messages.js';

export interface DeployState {
  totalBytes: number;
  crc32: number;
  receivedBytes: number;
  committed: boolean;
  buffer: Uint8Array;
}

export interface BoardHost {
  nowUs(): number;
  identify(): Identity;
  /** Starts a deploy, or resumes the one in progress if size and CRC match. */
  deployBegin(totalBytes: number, crc32: number): DeployState;
  deployChunk(offset: number, data: Uint8Array): DeployState;
  /** Verifies the CRC of the whole package and loads it. */
  deployCommit(): DeployState;
  selectMode(mode: number): void;
  infer(input: Uint8Array): InferResult;
  readCounters(): Counters;
  /** Sleeps until the supply rail is fully charged; returns the device time. */
  waitCharged(): number;
  /** Sleeps for `durationUs`; returns the device time. */
  idle(durationUs: number): number;
}
