/**
 * The bridge's InfluxDB writer, run as a worker thread (drain-worker.ts starts it): its own
 * connection to the outbox (WAL: it reads and deletes while the main thread commits), its own
 * HTTP connections, and an `OutboxDrain`. Requests that need the main thread (dead-lettering,
 * the backoff before a retry) are messages answered by id. An error it does not handle ends the
 * thread, which the main thread sees as a crash.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EveError } from '@eve-bench/device-agent';
import { DurableQueue } from '../durable-queue.js';
import { CommitSignal } from './commit-signal.js';
import type { DrainThreadData, FromDrain, ToDrain } from './drain-protocol.js';
import { InfluxV1Writer } from './influx-v1-writer.js';
import { OutboxDrain, toWire, type DrainHost } from './outbox-drain.js';

const port = parentPort;
if (!port) throw new EveError('BRIDGE_DRAIN_THREAD', 'drain-thread.js runs as a worker thread of the bridge');
const data = workerData as DrainThreadData;
const post = (m: FromDrain): void => port.postMessage(m);
const waiting = new Map<number, (m: ToDrain) => void>();
let nextId = 1;

function ask(m: FromDrain & { id: number }): Promise<ToDrain> {
  return new Promise((resolve) => {
    waiting.set(m.id, resolve);
    post(m);
  });
}

const host: DrainHost = {
  written: (points, texts) => post(texts ? { kind: 'written', points, texts: [...texts] } : { kind: 'written', points }),
  remove: (records) => post({ kind: 'remove', records }),
  deadLetter: async (reason, lines) => {
    const answer = await ask({ kind: 'deadLetter', id: nextId++, reason, lines: [...lines] });
    if (answer.kind === 'deadLettered' && answer.error !== undefined) throw new EveError('DEAD_LETTER_WRITE', answer.error);
  },
  retryLater: async (outage) => {
    const answer = await ask(outage ? { kind: 'retryLater', id: nextId++, outage: toWire(outage) } : { kind: 'retryLater', id: nextId++ });
    return answer.kind === 'retry' && answer.go;
  },
  log: (line) => post({ kind: 'log', line }),
};

// reads and checkpoints only: the bridge's thread is the one writer (see outbox-drain.ts)
const outbox = new DurableQueue(data.outboxPath, { pageSize: 65536, shared: true });
const influx = new InfluxV1Writer({ ...data.influx, connections: data.inFlight });
const drain = new OutboxDrain(outbox, influx, new CommitSignal(data.commits), host, data);

port.on('message', (m: ToDrain) => {
  if (m.kind === 'stop') drain.stop();
  else {
    const answer = waiting.get(m.id);
    waiting.delete(m.id);
    answer?.(m);
  }
});

await drain.run();
influx.close();
outbox.close();
post({ kind: 'done' });
port.close();
