/**
 * The bridge's InfluxDB writer, run as a worker thread (drain-worker.ts starts it): its own
 * connection to the outbox (WAL: it reads while the main thread commits), its own HTTP
 * connections, and an `OutboxDrain`. Requests that need the main thread (removing written records,
 * dead-lettering, the backoff before a retry) are messages, the ones with an answer matched by id.
 * An error it does not handle ends the thread, which the main thread sees as a crash.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { EveError } from '@eve-bench/device-agent';
import { DurableQueue } from '../durable-queue.js';
import { CommitSignal } from './commit-signal.js';
import type { DrainThreadData, FromDrain, ToDrain } from './drain-protocol.js';
import { InfluxV1Writer } from './influx-v1-writer.js';
import { OutboxDrain, toWire, type DrainHost } from './outbox-drain.js';

/** The main thread, as the drain's host: each call a message, the questions answered by id. */
class MainThreadHost implements DrainHost {
  private readonly waiting = new Map<number, (m: ToDrain) => void>();
  private nextId = 1;

  constructor(private readonly port: MessagePort) {}

  /** An answer from the main thread. */
  answered(m: Extract<ToDrain, { id: number }>): void {
    const answer = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    answer?.(m);
  }

  post(m: FromDrain): void {
    this.port.postMessage(m);
  }

  private ask(m: FromDrain & { id: number }): Promise<ToDrain> {
    return new Promise((resolve) => {
      this.waiting.set(m.id, resolve);
      this.post(m);
    });
  }

  written(points: number, texts: readonly string[] | undefined): void {
    this.post(texts ? { kind: 'written', points, texts: [...texts] } : { kind: 'written', points });
  }

  remove(records: { id: number; items: number; chars: number }[]): void {
    this.post({ kind: 'remove', records });
  }

  async deadLetter(reason: string, lines: readonly string[]): Promise<void> {
    const answer = await this.ask({ kind: 'deadLetter', id: this.nextId++, reason, lines: [...lines] });
    if (answer.kind === 'deadLettered' && answer.error !== undefined) throw new EveError('DEAD_LETTER_WRITE', answer.error);
  }

  async retryLater(outage: EveError | undefined): Promise<boolean> {
    const id = this.nextId++;
    const answer = await this.ask(outage ? { kind: 'retryLater', id, outage: toWire(outage) } : { kind: 'retryLater', id });
    return answer.kind === 'retry' && answer.go;
  }

  log(line: string): void {
    this.post({ kind: 'log', line });
  }
}

async function main(port: MessagePort, data: DrainThreadData): Promise<void> {
  const host = new MainThreadHost(port);
  // reads and checkpoints only: the bridge's thread is the one writer (see outbox-drain.ts)
  const outbox = new DurableQueue(data.outboxPath, { pageSize: 65536, shared: 'reader' });
  const influx = new InfluxV1Writer({ ...data.influx, connections: data.inFlight });
  const drain = new OutboxDrain(outbox, influx, new CommitSignal(data.commits), host, data);
  port.on('message', (m: ToDrain) => {
    if (m.kind === 'stop') drain.stop();
    else host.answered(m);
  });
  await drain.run();
  influx.close();
  outbox.close();
  host.post({ kind: 'done' });
  port.close();
}

if (!parentPort) throw new EveError('BRIDGE_DRAIN_THREAD', 'drain-thread.js runs as a worker thread of the bridge');
await main(parentPort, workerData as DrainThreadData);
