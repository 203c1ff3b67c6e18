/**
 * Writes the outbox to InfluxDB: the oldest records in batches of about `batchSize` points, up to
 * `inFlight` batches at once (InfluxDB parses and stores concurrent writes in parallel; one at a
 * time left it idle while the next batch was read and sent); the host removes a batch from the
 * outbox once InfluxDB accepted it. This side only reads the outbox (and checkpoints its WAL), so
 * the bridge's commits never wait for a write lock held here (SQLite's busy handler sleeps 1 ms
 * and more). Order between batches does not matter: every point carries its timestamp,
 * and a batch written twice (after a crash) overwrites itself.
 *
 * After a failure nothing new is sent until the batches in flight are settled; then a retriable
 * failure (network, 5xx, 429) waits for the host's go-ahead (its backoff) and the failed batches
 * are written again (kept, not read again: the host may not yet have removed what was written
 * meanwhile, which would be written twice); a 400 is retried line by line so only the rejected points are
 * dead-lettered; 401/403/404 dead-letter the batch. Thread-agnostic: `drain-thread.ts` runs it in a
 * worker and its host forwards to the bridge on the main thread.
 */
import { EveError, isEveError } from '@eve-bench/device-agent';
import type { DurableQueue, QueuedBytes, RecordRef } from '../durable-queue.js';
import type { CommitSignal } from './commit-signal.js';
import type { InfluxV1Writer } from './influx-v1-writer.js';

export interface DrainHost {
  /** InfluxDB accepted `points` points; `texts` (when asked for) are their lines, one record each. */
  written(points: number, texts: readonly string[] | undefined): void;
  /** These records are delivered or dead-lettered: remove them from the outbox. */
  remove(records: RecordRef[]): void;
  /** Makes rejected lines durable in the dead-letter file; rejects when it cannot. */
  deadLetter(reason: string, lines: readonly string[]): Promise<void>;
  /**
   * A batch could not be finished: `outage` when InfluxDB is unavailable (retriable), undefined
   * when something else failed (e.g. dead-lettering). Resolves after the host's backoff: true to try
   * again, false to stop.
   */
  retryLater(outage: EveError | undefined): Promise<boolean>;
  log(line: string): void;
}

export interface OutboxDrainOptions {
  batchSize: number;
  inFlight: number;
  /** Pass each written batch's lines to `written` (costs a copy; only when someone listens). */
  withTexts: boolean;
}

interface Outcome { batch: QueuedBytes[]; error?: unknown }

export class OutboxDrain {
  private stopping = false;

  /** `commits` moves whenever records were committed to the outbox. */
  constructor(private readonly outbox: Pick<DurableQueue, 'peekItems' | 'checkpoint'>, private readonly influx: Pick<InfluxV1Writer, 'write'>, private readonly commits: CommitSignal, private readonly host: DrainHost, private readonly o: OutboxDrainOptions) {}

  /** Finish: write what is in the outbox unless InfluxDB is unavailable, then `run` resolves. */
  stop(): void {
    this.stopping = true;
    this.commits.bump();
  }

  async run(): Promise<void> {
    const flying = new Map<number, Promise<Outcome>>();
    // failed batches to write again, oldest first: they are not read again, since the host may not
    // have removed the records written meanwhile yet, which would then be written twice
    let again: QueuedBytes[][] = [];
    let after = 0;
    let failed: Outcome[] = [];
    for (;;) {
      const mark = this.commits.mark();
      while (failed.length === 0 && flying.size < this.o.inFlight) {
        const batch = again.shift() ?? this.outbox.peekItems(this.o.batchSize, after);
        if (batch.length === 0) break;
        const last = batch[batch.length - 1]!.id;
        after = Math.max(after, last);
        flying.set(last, this.influx.write(batch.map((r) => r.body)).then(() => ({ batch }), (error: unknown) => ({ batch, error })));
      }
      if (flying.size === 0) {
        if (failed.length > 0) {
          // the bridge's connection leaves checkpoints to this one, and during an outage no batch
          // finishes: without this the WAL would grow with every group committed meanwhile
          this.outbox.checkpoint();
          failed.sort((x, y) => x.batch[0]!.id - y.batch[0]!.id);
          const [first, ...rest] = failed;
          failed = [];
          const { go, left } = await this.failed(first!);
          again = [...(left.length > 0 ? [left] : []), ...rest.map((f) => f.batch), ...again].sort((x, y) => x[0]!.id - y[0]!.id);
          if (!go) return;
          continue;
        }
        if (this.stopping) return;
        await this.commits.moved(mark);
        continue;
      }
      // what was committed meanwhile is read when a batch finishes
      const outcome = await Promise.race(flying.values());
      flying.delete(outcome.batch[outcome.batch.length - 1]!.id);
      if (outcome.error === undefined) this.written(outcome.batch);
      else failed.push(outcome);
    }
  }

  private written(batch: QueuedBytes[]): void {
    let points = 0;
    for (const r of batch) points += r.items;
    // removed first: whoever hears of the write sees the outbox without it
    this.remove(batch);
    this.host.written(points, this.o.withTexts ? batch.map((r) => r.body.toString('utf8')) : undefined);
    this.outbox.checkpoint();
  }

  /** Handles a failed batch once nothing is in flight: whether to go on, and its records still to write. */
  private async failed(f: Outcome): Promise<{ go: boolean; left: QueuedBytes[] }> {
    const e = f.error;
    if (!isEveError(e)) {
      this.host.log(`bridge: cannot finish a batch, keeping it in the outbox: ${(e as Error).message}`);
      return { go: await this.host.retryLater(undefined), left: f.batch };
    }
    if (e.retriable) return { go: await this.host.retryLater(e), left: f.batch };
    const { left, stuck } = await this.rejected(f.batch, e);
    return { go: stuck ? await this.host.retryLater(undefined) : true, left };
  }

  /**
   * A 400 may be one bad point among good ones: written one by one, only the bad ones are
   * dead-lettered. Returns the records not finished: an outage began (`left`), or the dead-letter
   * file cannot be written (`stuck`).
   */
  private async rejected(batch: QueuedBytes[], e: EveError): Promise<{ left: QueuedBytes[]; stuck: boolean }> {
    const lines = batch.reduce((n, r) => n + r.items, 0);
    try {
      if (e.code !== 'INFLUX_HTTP_400' || lines === 1) {
        this.host.log(`bridge: ${lines} points dead-lettered: ${e.message}`);
        await this.host.deadLetter(`${e.code}: ${e.message}`, batch.flatMap((r) => r.body.toString('utf8').split('\n')));
        this.remove(batch);
        return { left: [], stuck: false };
      }
      for (let i = 0; i < batch.length; i++) {
        // a record leaves the outbox once each of its lines is written or dead-lettered
        for (const line of batch[i]!.body.toString('utf8').split('\n')) {
          try {
            await this.influx.write([line]);
            this.host.written(1, this.o.withTexts ? [line] : undefined);
          } catch (one) {
            if (!isEveError(one) || one.retriable) return { left: batch.slice(i), stuck: false }; // an outage began
            this.host.log(`bridge: 1 point dead-lettered: ${one.message}`);
            try {
              await this.host.deadLetter(`${one.code}: ${one.message}`, [line]);
            } catch (why) {
              this.host.log(`bridge: cannot dead-letter, keeping the batch in the outbox: ${(why as Error).message}`);
              return { left: batch.slice(i), stuck: true };
            }
          }
        }
        this.remove([batch[i]!]);
      }
      return { left: [], stuck: false };
    } catch (why) {
      this.host.log(`bridge: cannot dead-letter, keeping the batch in the outbox: ${(why as Error).message}`);
      return { left: batch, stuck: true };
    }
  }

  private remove(records: QueuedBytes[]): void {
    this.host.remove(records.map((r) => ({ id: r.id, items: r.items, chars: r.chars })));
  }
}

/** The error a failed write reports across the thread boundary, and back. */
export interface WireError { code: string; message: string; retriable: boolean }

export const toWire = (e: EveError): WireError => ({ code: e.code, message: e.message, retriable: e.retriable });
export const fromWire = (w: WireError): EveError => new EveError(w.code, w.message, { retriable: w.retriable });
