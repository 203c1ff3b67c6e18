/**
 * Telemetry for a demo run: the embedded broker (or the configured one), a sink that publishes
 * over MQTT and appends to telemetry.jsonl, and a recorder that subscribes on the broker and
 * stores every message in SQLite — so "published" and "stored" are counted at the two ends of
 * a real MQTT path. Measurement hooks publish and store each measured mode.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker } from '../telemetry/embedded-broker.js';
import { FileTelemetrySink, MqttTelemetrySink, TeeSink, type TelemetrySink } from '../telemetry/sink.js';
import { SqliteRecorder } from '../telemetry/sqlite-recorder.js';
import type { CampaignStore } from '../campaign/campaign-store.js';
import type { MeasureHooks } from '../measure/measure-package.js';
import type { BenchConfig } from '../config/bench-config.js';

export interface DemoTelemetry {
  sink: TelemetrySink;
  hooks(phase: string, candidate: () => string, store: CampaignStore, campaignId: number, costSource: 'virtual' | 'hardware'): MeasureHooks;
  /** Publishes the closing statuses, then waits until the recorder has stored everything published. */
  finish(timeoutMs: number): Promise<void>;
  counts(): { published: number; stored: number; invalid: number };
  close(): Promise<void>;
}

export async function startDemoTelemetry(o: { outDir: string; bench: string; mqtt?: BenchConfig['mqtt']; boards: string[]; log(line: string): void }): Promise<DemoTelemetry> {
  let broker: EmbeddedBroker | undefined;
  let recorder: SqliteRecorder | undefined;
  let mqttSink: MqttTelemetrySink | undefined;
  try {
    if (!o.mqtt) broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    const url = o.mqtt?.url ?? broker!.url;
    const common = { username: o.mqtt?.username, password: o.mqtt?.password, protocolVersion: o.mqtt?.protocolVersion ?? broker!.protocolVersion };
    recorder = await SqliteRecorder.start({ url, dbPath: join(o.outDir, 'eve.sqlite'), ...common, onInvalid: (why) => o.log(`telemetry: invalid message: ${why}`) });
    mqttSink = await MqttTelemetrySink.connect({ url, bench: o.bench, ...common, ca: o.mqtt?.caFile ? await readFile(o.mqtt.caFile) : undefined });
    return await wire(o, url, mqttSink, recorder, broker);
  } catch (e) {
    await mqttSink?.close().catch(() => undefined);
    await recorder?.close().catch(() => undefined);
    await broker?.close().catch(() => undefined);
    throw e;
  }
}

async function wire(o: { outDir: string; bench: string; boards: string[] }, url: string, mqttSink: MqttTelemetrySink, recorder: SqliteRecorder, broker: EmbeddedBroker | undefined): Promise<DemoTelemetry> {
  const sink = new TeeSink([mqttSink, new FileTelemetrySink(join(o.outDir, 'telemetry.jsonl'), o.bench)]);
  await sink.publish('status', 'host', { state: 'online', deviceTimeUs: null, detail: `eve demo, broker ${url}` });
  for (const b of o.boards) await sink.publish('status', b, { state: 'busy', deviceTimeUs: null });

  return {
    sink,
    hooks: (phase, candidate, store, campaignId, costSource) => ({
      onDeployed: async (b, d) => {
        await sink.publish('event', b.id, { kind: 'deploy', deviceTimeUs: null, detail: `${phase} ${candidate()}: ${d.bytes} bytes in ${d.chunks} chunks, resumed from ${d.resumedFrom}, ${d.wireBytes} wire bytes` });
      },
      onMode: async (b, m) => {
        const counters = await b.client.counters();
        const [supplyV, supplyA] = [await b.psu.measureVoltage(b.channel), await b.psu.measureCurrent(b.channel)];
        const harvestW = (await b.replayer?.sync(counters.nowUs)) ?? 0;
        await sink.publish('event', b.id, { kind: 'modeSwitch', deviceTimeUs: counters.nowUs, mode: m.mode, detail: `${phase}: mode ${m.mode} (${m.name})` });
        await sink.publish('telemetry', b.id, { deviceTimeUs: counters.nowUs, capacitorV: counters.capacitorV, harvestW, supplyV, supplyA, mode: m.mode, brownOuts: counters.brownOuts });
        const row = {
          campaignId, board: b.id, phase, candidate: candidate(), mode: m.mode, modeName: m.name, sparsity: m.sparsity, latencyUs: m.latencyUs,
          energyUj: m.energyUj, energyUncertaintyUj: m.energyUncertaintyUj, inferences: m.inferences, accuracy: m.boardAccuracy ?? null, costSource,
        };
        store.recordMeasurement(row);
        const { campaignId: _c, board: _b, ...body } = row;
        await sink.publish('measurement', b.id, { ...body, campaignId, deviceTimeUs: counters.nowUs });
      },
    }),
    finish: async (timeoutMs) => {
      for (const b of o.boards) await sink.publish('status', b, { state: 'online', deviceTimeUs: null });
      await sink.publish('status', 'host', { state: 'offline', deviceTimeUs: null, detail: 'demo finished' });
      await sink.flush();
      await recorder.waitForCount(mqttSink.stats.published, timeoutMs);
    },
    counts: () => ({ published: mqttSink.stats.published, stored: recorder.stats.stored, invalid: recorder.stats.invalid }),
    close: async () => {
      await sink.close();
      await recorder.close();
      await broker?.close();
    },
  };
}
