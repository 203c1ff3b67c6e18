/** The BoardClient port: what the bench can ask of a board, whatever protocol it speaks. */
import type { Counters, Identity, InferResult } from '@eve-bench/device-agent';

export interface DeployReport {
  /** Package size. */
  bytes: number;
  /** Package bytes in the chunks this call sent, once per chunk request (link-level re-sends: `stats.retries`). */
  bytesSent: number;
  /** Bytes the board already held from an interrupted deploy of the same package. */
  resumedFrom: number;
  chunks: number;
  /** Frame bytes written for the deploy, COBS and headers included. */
  wireBytes: number;
  /** Frame bytes the board answered with during the deploy. */
  wireBytesIn: number;
}

export interface BoardClient {
  identify(signal?: AbortSignal): Promise<Identity>;
  deploy(pkg: Uint8Array, opts?: { chunkBytes?: number; onProgress?(sent: number, total: number): void; signal?: AbortSignal }): Promise<DeployReport>;
  selectMode(mode: number, signal?: AbortSignal): Promise<{ nowUs: number }>;
  infer(input: Uint8Array, signal?: AbortSignal): Promise<InferResult>;
  counters(signal?: AbortSignal): Promise<Counters>;
  /** The board sleeps until its supply rail is fully charged; resolves with its clock. */
  waitCharged(signal?: AbortSignal): Promise<{ nowUs: number }>;
  idle(durationUs: number, signal?: AbortSignal): Promise<{ nowUs: number }>;
  close(): Promise<void>;
}
