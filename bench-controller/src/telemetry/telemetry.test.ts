import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from './embedded-broker.js';
import { MemoryTelemetrySink, MqttTelemetrySink } from './sink.js';
import { SqliteRecorder } from './sqlite-recorder.js';
import { parseTopic, topicFor } from './schema.js';
import { SqliteCampaignStore } from '../campaign/sqlite-store.js';

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
    expect(rec.stats.duplicates).toBe(0);
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

  it('topics round-trip', () => {
    expect(parseTopic(topicFor('lab-a', 'b1', 'measurement'))).toEqual({ bench: 'lab-a', board: 'b1', kind: 'measurement' });
    expect(parseTopic('eve/v1/lab-a/b1/nope')).toBeUndefined();
  });
});

describe('SQLite campaign store', () => {
  it('keeps campaigns, evaluations and measurements across reopen', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'eve-store-')), 'c.sqlite');
    const a = new SqliteCampaignStore(path);
    const id = a.createCampaign('c1', { seed: 1 });
    a.recordEvaluation(id, 'k', { x: 1 }, 0.5);
    a.recordMeasurement({ campaignId: id, board: 'b', phase: 'final', candidate: 'c', mode: 0, modeName: 'high', sparsity: 0.5, latencyUs: 10, energyUj: 2, energyUncertaintyUj: 0.01, inferences: 5, accuracy: null, costSource: 'virtual' });
    a.close();
    const b = new SqliteCampaignStore(path);
    expect(b.counts(id)).toEqual({ evaluations: 1, measurements: 1 });
    expect(b.listMeasurements(id)[0]).toMatchObject({ modeName: 'high', accuracy: null });
    b.close();
  });
});
