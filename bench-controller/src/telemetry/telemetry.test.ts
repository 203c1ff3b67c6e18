import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from './embedded-broker.js';
import { FileTelemetrySink, MemoryTelemetrySink, MqttTelemetrySink, TeeSink } from './sink.js';
import { SqliteRecorder } from './sqlite-recorder.js';
import { parseTopic, topicFor } from './schema.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

const sample = { deviceTimeUs: 12, capacitorV: 3.2, harvestW: 0.004, supplyV: 3.3, supplyA: 0.001, mode: 1, brownOuts: 0 };

describe('telemetry over MQTT into SQLite', () => {
  it('every message published (acknowledged) is stored exactly once', async () => {
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    closers.push(() => broker.close());
    const dir = mkdtempSync(join(tmpdir(), 'eve-tel-'));
    const rec = await SqliteRecorder.start({ url: broker.url, dbPath: join(dir, 't.sqlite'), protocolVersion: 4 });
    closers.push(() => rec.close());
    const sink = await MqttTelemetrySink.connect({ url: broker.url, bench: 'lab-a', protocolVersion: 4 });
    closers.push(() => sink.close());
    const n = 300;
    await Promise.all(Array.from({ length: n }, (_, i) => sink.publish('telemetry', `b${i % 3}`, { ...sample, deviceTimeUs: i })));
    await sink.publish('status', 'b0', { state: 'online', deviceTimeUs: null });
    await rec.waitForCount(n + 1, 10_000);
    expect(sink.stats.published).toBe(n + 1);
    expect(rec.stats.stored).toBe(n + 1);
    expect(rec.count('telemetry')).toBe(n);
    expect(rec.stats).toMatchObject({ duplicates: 0, invalid: 0, failed: 0 });
  });

  it('status is retained: a subscriber that arrives later still learns the board state', async () => {
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    closers.push(() => broker.close());
    const sink = await MqttTelemetrySink.connect({ url: broker.url, bench: 'lab-a', protocolVersion: 4 });
    closers.push(() => sink.close());
    await sink.publish('status', 'b7', { state: 'busy', deviceTimeUs: null });
    await sink.publish('telemetry', 'b7', sample); // not retained
    const late = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    closers.push(() => late.endAsync());
    const got = new Promise<{ topic: string; state: string; retain: boolean }>((resolve) =>
      late.on('message', (topic, buf, packet) => resolve({ topic, state: (JSON.parse(buf.toString()) as { state: string }).state, retain: packet.retain })));
    await late.subscribeAsync('eve/v1/lab-a/b7/#', { qos: 1 });
    expect(await got).toEqual({ topic: 'eve/v1/lab-a/b7/status', state: 'busy', retain: true });
  });

  it('stores a redelivered message once and counts the duplicate', async () => {
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    closers.push(() => broker.close());
    const rec = await SqliteRecorder.start({ url: broker.url, dbPath: join(mkdtempSync(join(tmpdir(), 'eve-tel-')), 't.sqlite'), protocolVersion: 4 });
    closers.push(() => rec.close());
    const mem = new MemoryTelemetrySink('lab-a');
    await mem.publish('event', 'b0', { kind: 'fault', deviceTimeUs: 5, detail: 'brown-out' });
    await mem.publish('event', 'b0', { kind: 'deploy', deviceTimeUs: 6, detail: 'ok' });
    const raw = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    closers.push(() => raw.endAsync());
    for (const m of [mem.messages[0]!, mem.messages[0]!, mem.messages[1]!]) await raw.publishAsync(m.topic, JSON.stringify(m.payload), { qos: 1 });
    await rec.waitForCount(2, 5000);
    await raw.publishAsync(mem.messages[1]!.topic, JSON.stringify(mem.messages[1]!.payload), { qos: 1 });
    await raw.publishAsync(mem.messages[0]!.topic, JSON.stringify({ ...mem.messages[0]!.payload, seq: 2 }), { qos: 1 });
    await rec.waitForCount(3, 5000); // in-order delivery: the duplicate before it has been seen
    expect(rec.stats).toMatchObject({ stored: 3, duplicates: 2, invalid: 0 });
    expect(rec.count('event')).toBe(3);
  });

  it('counts invalid messages from other publishers and keeps going', async () => {
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    closers.push(() => broker.close());
    const invalid: string[] = [];
    const rec = await SqliteRecorder.start({ url: broker.url, dbPath: join(mkdtempSync(join(tmpdir(), 'eve-tel-')), 't.sqlite'), protocolVersion: 4, onInvalid: (w) => invalid.push(w) });
    closers.push(() => rec.close());
    const raw = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    closers.push(() => raw.endAsync());
    await raw.publishAsync('eve/v1/lab-a/b0/telemetry', 'not json', { qos: 1 });
    await raw.publishAsync('eve/v1/lab-a/b0/telemetry', JSON.stringify({ source: 'x' }), { qos: 1 });
    await raw.publishAsync('eve/v1/lab-a/b0/bogus', '{}', { qos: 1 });
    const sink = await MqttTelemetrySink.connect({ url: broker.url, bench: 'lab-a', protocolVersion: 4 });
    closers.push(() => sink.close());
    await sink.publish('telemetry', 'b0', sample);
    await rec.waitForCount(1, 5000);
    expect(rec.stats.invalid).toBe(3); // not JSON, schema violation, and a topic outside the EVE kinds
    expect(invalid.join('\n')).toMatch(/not JSON/);
  });

  it('refuses to publish a payload that breaks the schema, before it leaves the process', async () => {
    const sink = new MemoryTelemetrySink('lab-a');
    await expect(sink.publish('telemetry', 'b0', { ...sample, mode: -1 })).rejects.toThrow(/mode/);
    await expect(sink.publish('telemetry', 'b/0', sample)).rejects.toThrow(/topic segment/);
    await sink.publish('telemetry', 'b0', sample);
    await sink.publish('telemetry', 'b0', sample);
    expect(sink.messages.map((m) => (m.payload as { seq: number }).seq)).toEqual([0, 1]);
  });

  it('topics round-trip; wildcards, separators and unknown kinds are refused', () => {
    expect(topicFor('lab-a', 'b1', 'measurement')).toBe('eve/v1/lab-a/b1/measurement');
    expect(parseTopic(topicFor('lab-a', 'b1', 'measurement'))).toEqual({ bench: 'lab-a', board: 'b1', kind: 'measurement' });
    for (const bad of ['a/b', 'a+', '#', '']) {
      expect(() => topicFor(bad, 'b1', 'status')).toThrow(expect.objectContaining({ code: 'TOPIC_SEGMENT' }));
      expect(() => topicFor('lab-a', bad, 'status')).toThrow(expect.objectContaining({ code: 'TOPIC_SEGMENT' }));
    }
    expect(() => topicFor('lab-a', 'b1', 'bogus' as 'status')).toThrow(expect.objectContaining({ code: 'TOPIC_KIND' }));
    for (const t of ['eve/v1/lab-a/b1/nope', 'eve/v1/+/b1/status', 'eve/v1/lab-a/#', 'eve/v2/lab-a/b1/status', 'eve/v1/lab-a/b1/status/x']) {
      expect(parseTopic(t)).toBeUndefined();
    }
  });

  it('the file sink appends JSON lines; a tee feeds every sink; a broken file fails publish, not the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eve-file-'));
    const file = new FileTelemetrySink(join(dir, 't.jsonl'), 'lab-a', () => 1_700_000_000_000);
    const mem = new MemoryTelemetrySink('lab-a');
    const tee = new TeeSink([file, mem]);
    await tee.publish('status', 'b0', { state: 'busy', deviceTimeUs: null });
    await tee.publish('telemetry', 'b0', sample);
    await tee.close();
    const lines = readFileSync(join(dir, 't.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { topic: string; payload: { seq: number; hostTime: number } });
    expect(lines.map((l) => [l.topic, l.payload.seq, l.payload.hostTime])).toEqual([
      ['eve/v1/lab-a/b0/status', 0, 1_700_000_000_000], ['eve/v1/lab-a/b0/telemetry', 0, 1_700_000_000_000],
    ]);
    expect(tee.stats.published).toBe(2);
    expect(mem.messages).toHaveLength(2);

    const broken = new FileTelemetrySink(join(dir, 'missing-dir', 't.jsonl'), 'lab-a');
    await expect(broken.publish('telemetry', 'b0', sample)).rejects.toMatchObject({ code: 'TELEMETRY_FILE' });
    expect(broken.stats.failed).toBe(1);
    await expect(broken.close()).rejects.toMatchObject({ code: 'TELEMETRY_FILE' });
  });
});
