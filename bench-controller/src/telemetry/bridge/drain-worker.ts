/**
 * Runs the bridge's InfluxDB writer (drain-thread.ts) in a worker thread and supervises it, so the
 * main thread's event loop only receives, validates, commits and acknowledges. The thread's
 * requests are answered here with the bridge's own collaborators (`DrainHost`: backoff on the
 * injected clock, the dead-letter file, the counters).
 *
 * A thread that dies (an uncaught error, or an exit it was not asked for) is a typed
 * `BRIDGE_DRAIN_CRASHED` error: logged, and the thread restarted after a backoff; nothing is lost,
 * since a batch leaves the outbox only after InfluxDB accepted it. After `maxRestarts` crashes in a
 * row without a successful write in between, the writer is given up and `onFatal` is called: the
 * outbox would otherwise fill silently.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EveError } from '@eve-bench/device-agent';
import { CommitSignal } from './commit-signal.js';
import type { DrainThreadData, FromDrain, ToDrain } from './drain-protocol.js';
import { fromWire, type DrainHost } from './outbox-drain.js';

export interface DrainWorkerOptions extends Omit<DrainThreadData, 'commits'> {
  host: DrainHost;
  /** Waits before a restart (the bridge's backoff on its clock). */
  restartDelay(): Promise<void>;
  /** Crashes in a row (no successful write between) before giving up (default 5). */
  maxRestarts?: number;
  /** The writer was given up: the bridge must fail loudly. */
  onFatal(e: EveError): void;
  /** The thread's script (default drain-thread.js beside this file; tests substitute one). */
  script?: URL;
}

/**
 * drain-thread.js beside this module. Under the tests this module is TypeScript source, and a worker
 * thread cannot load that: the built file (`tsc -b`, which `npm test` runs first) is used instead.
 */
export function drainThreadScript(): URL {
  const here = import.meta.url;
  const script = here.endsWith('.ts')
    ? new URL(here.replace(/\/src\/(telemetry\/bridge\/)[^/]+\.ts$/, '/dist/$1drain-thread.js'))
    : new URL('./drain-thread.js', here);
  if (!existsSync(fileURLToPath(script))) throw new EveError('BRIDGE_DRAIN_SCRIPT', `${fileURLToPath(script)} is missing: build with 'npx tsc -b'`);
  return script;
}

export class DrainWorker {
  private worker: Worker | undefined;
  private crashes = 0;
  private stopping = false;
  private gone: Promise<void> = Promise.resolve();
  private readonly script: URL;
  private readonly commits = new CommitSignal();

  constructor(private readonly o: DrainWorkerOptions) {
    this.script = o.script ?? drainThreadScript();
    this.spawn();
  }

  /** New records were committed. */
  kick(): void {
    this.commits.bump();
  }

  /** Lets the thread write what is in the outbox (unless InfluxDB is unavailable) and waits for it to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.send({ kind: 'stop' });
    await this.gone;
  }

  /** Ends the thread at once, as a crash would: what it was writing stays in the outbox. */
  async terminate(): Promise<void> {
    this.stopping = true;
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private send(m: ToDrain): void {
    this.worker?.postMessage(m);
  }

  private spawn(): void {
    const data: DrainThreadData = { outboxPath: this.o.outboxPath, influx: this.o.influx, batchSize: this.o.batchSize, inFlight: this.o.inFlight, withTexts: this.o.withTexts, commits: this.commits.buffer };
    const w = new Worker(this.script, { workerData: data });
    this.worker = w;
    let failure: Error | undefined;
    let done = false;
    w.on('message', (m: FromDrain) => {
      // a thread terminated on purpose may still have messages queued: the outbox may be closed
      if (this.worker !== w) return;
      if (m.kind === 'done') done = true;
      else this.handle(m);
    });
    w.on('error', (e) => { failure = e; });
    this.gone = new Promise<void>((resolve) => {
      w.once('exit', (code) => {
        resolve();
        if (this.worker !== w) return; // terminated on purpose
        this.worker = undefined;
        if (done && this.stopping) return;
        void this.crashed(new EveError('BRIDGE_DRAIN_CRASHED', `the bridge's InfluxDB writer thread ${failure ? `crashed: ${failure.message}` : `exited (code ${code})`}`, { retriable: true, cause: failure }));
      });
    });
  }

  private async crashed(e: EveError): Promise<void> {
    this.crashes++;
    const max = this.o.maxRestarts ?? 5;
    if (this.stopping || this.crashes > max) {
      this.o.onFatal(new EveError('BRIDGE_DRAIN_FAILED', `${e.message}${this.stopping ? ' while stopping' : `; gave up after ${max} restarts`}: points stay in the outbox`, { cause: e }));
      return;
    }
    this.o.host.log(`bridge: ${e.code}: ${e.message}; restarting it (${this.crashes} of ${max})`);
    await this.o.restartDelay();
    if (!this.stopping) this.spawn();
  }

  private handle(m: Exclude<FromDrain, { kind: 'done' }>): void {
    const h = this.o.host;
    switch (m.kind) {
      case 'written':
        this.crashes = 0;
        h.written(m.points, m.texts);
        return;
      case 'remove':
        h.remove(m.records);
        return;
      case 'log':
        h.log(m.line);
        return;
      case 'deadLetter':
        h.deadLetter(m.reason, m.lines).then(
          () => this.send({ kind: 'deadLettered', id: m.id }),
          (e: Error) => this.send({ kind: 'deadLettered', id: m.id, error: e.message }),
        );
        return;
      case 'retryLater':
        h.retryLater(m.outage ? fromWire(m.outage) : undefined).then((go) => this.send({ kind: 'retry', id: m.id, go }));
        return;
    }
  }
}
