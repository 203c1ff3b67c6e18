import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EveError } from '@eve-bench/device-agent';
import { DurableQueue } from '../durable-queue.js';
import { CommitSignal } from './commit-signal.js';
import { OutboxDrain, type DrainHost } from './outbox-drain.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OutboxDrain', () => {
  let dir: string;
  let outbox: DurableQueue;
  const events: string[] = [];
  let written = 0;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eve-drain-'));
    outbox = new DurableQueue(join(dir, 'outbox.sqlite'), { pageSize: 65536, shared: 'writer' });
    for (let g = 0; g < 6; g++) outbox.pushGroup(Array.from({ length: 100 }, (_, i) => `m,g=${g} v=${i}i ${g * 1000 + i}`));
    events.length = 0;
    written = 0;
  });
  afterEach(() => {
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `removeAfterMs`: removes as the bridge does, a moment later (a message to another thread). */
  const host = (retry: () => boolean = () => true, removeAfterMs = 0): DrainHost => ({
    written: (points) => { written += points; },
    remove: (records) => { if (removeAfterMs > 0) setTimeout(() => outbox.remove(records), removeAfterMs); else outbox.remove(records); },
    deadLetter: async () => {},
    retryLater: async (outage) => { events.push(`retryLater ${outage?.code}`); return retry(); },
    log: (l) => events.push(l),
  });

  it('keeps at most inFlight batches in flight and writes every record once', async () => {
    let flying = 0;
    let most = 0;
    const bodies: string[] = [];
    const influx = { write: async (texts: readonly (string | Uint8Array)[]) => {
      most = Math.max(most, ++flying);
      bodies.push(texts.map((t) => Buffer.from(t).toString()).join('\n'));
      await sleep(5);
      flying--;
    } };
    const drain = new OutboxDrain(outbox, influx, new CommitSignal(), host(), { batchSize: 100, inFlight: 2, withTexts: false });
    drain.stop(); // write what is there, then end
    await drain.run();
    expect(most).toBe(2);
    expect(bodies).toHaveLength(6);
    expect(new Set(bodies).size).toBe(6);
    expect([written, outbox.count]).toEqual([600, 0]);
  });

  it('after a retriable failure sends nothing new until the batches in flight settle, then asks for a retry once and writes the failed batch again, only it', async () => {
    let calls = 0;
    const influx = { write: async () => {
      const n = ++calls;
      events.push(`write ${n}`);
      await sleep(n === 1 ? 2 : 15);
      if (n === 1) {
        events.push('fail 1');
        throw new EveError('INFLUX_HTTP_503', 'busy', { retriable: true });
      }
      events.push(`ok ${n}`);
    } };
    const drain = new OutboxDrain(outbox, influx, new CommitSignal(), host(() => true, 50), { batchSize: 300, inFlight: 2, withTexts: false });
    drain.stop();
    await drain.run();
    await sleep(100);
    // batch 2 is written once though its removal came late; batch 1 twice
    expect(calls).toBe(3);
    // batch 1 failed while batch 2 was in flight: nothing started before 2 settled and the retry came
    expect(events.slice(0, 5)).toEqual(['write 1', 'write 2', 'fail 1', 'ok 2', 'retryLater INFLUX_HTTP_503']);
    expect(events.filter((e) => e.startsWith('retryLater'))).toHaveLength(1);
    expect([written, outbox.count]).toEqual([600, 0]);
  });

  it('checkpoints the WAL before waiting out an outage, and ends, keeping the outbox, when the host says not to retry', async () => {
    const influx = { write: async () => { throw new EveError('INFLUX_UNREACHABLE', 'refused', { retriable: true }); } };
    const watched = { peekItems: outbox.peekItems.bind(outbox), checkpoint: () => { events.push('checkpoint'); outbox.checkpoint(); } };
    const drain = new OutboxDrain(watched, influx, new CommitSignal(), host(() => false), { batchSize: 300, inFlight: 2, withTexts: false });
    await drain.run();
    expect(events).toEqual(['checkpoint', 'retryLater INFLUX_UNREACHABLE']);
    expect(outbox.count).toBe(600);
  });

  it('waits for a commit when the outbox is empty', async () => {
    outbox.remove(outbox.peekItems(1000));
    const commits = new CommitSignal();
    const influx = { write: async () => {} };
    const drain = new OutboxDrain(outbox, influx, commits, host(), { batchSize: 100, inFlight: 2, withTexts: false });
    const running = drain.run();
    await sleep(20);
    outbox.pushGroup(['m v=1i 1']);
    commits.bump();
    await sleep(20);
    expect(written).toBe(1);
    drain.stop();
    await running;
  });
});
