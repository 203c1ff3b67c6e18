/**
 * The messages between the bridge (main thread) and its InfluxDB writer thread (drain-thread.ts).
 * The thread owns nothing the main thread decides: the backoff (clock and randomness), the
 * dead-letter file and the counters stay on the main thread, the thread asks for them.
 */
import type { RecordRef } from '../durable-queue.js';
import type { InfluxV1Options } from './influx-v1-writer.js';
import type { WireError } from './outbox-drain.js';

/** What the thread is started with (`workerData`). */
export interface DrainThreadData {
  outboxPath: string;
  influx: InfluxV1Options;
  batchSize: number;
  inFlight: number;
  withTexts: boolean;
  /** The `CommitSignal`'s shared counter. */
  commits: SharedArrayBuffer;
}

/** Main thread -> writer thread. */
export type ToDrain =
  | { kind: 'stop' }
  | { kind: 'deadLettered'; id: number; error?: string }
  | { kind: 'retry'; id: number; go: boolean };

/** Writer thread -> main thread. */
export type FromDrain =
  | { kind: 'written'; points: number; texts?: string[] }
  | { kind: 'remove'; records: RecordRef[] }
  | { kind: 'deadLetter'; id: number; reason: string; lines: string[] }
  | { kind: 'retryLater'; id: number; outage?: WireError }
  | { kind: 'log'; line: string }
  | { kind: 'done' };
