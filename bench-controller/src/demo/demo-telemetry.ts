/**
 * Telemetry for a demo run: the embedded broker (or the configured one), a sink that publishes
 * over MQTT and appends to telemetry.jsonl, and a recorder that subscribes on the broker and
 * stores every message in SQLite — so "published" and "stored" are counted at the two ends of
 * a real MQTT path. Measurement hooks publish and store each measured mode, with the cost model's
 * prediction and the speedup over the dense baseline measured on the same board, and report each
 * package measurement as a campaign job (progress and ETA for the Campaign dashboard).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker } from '../telemetry/embedded-broker.js';
import { FileTelemetrySink, MqttTelemetrySink, TeeSink, type TelemetrySink } from '../telemetry/sink.js';
import { SqliteRecorder } from '../telemetry/sqlite-recorder.js';
import type { CampaignStore } from '../campaign/campaign-store.js';
import type { MeasureHooks } from '../measure/measure-package.js';
import type { BenchConfig } from '../config/bench-config.js';
import { estimateInference, extract, type DeviceProfile, type EvePackage } from '@eve-bench/device-agent';
import { CampaignProgress } from '../campaign/progress.js';

export interface DemoTelemetry {
  sink: TelemetrySink;
  hooks(phase: string, candidate: () => string, store: CampaignStore, campaignId: number, costSource: 'virtual' | 'hardware'): MeasureHooks;
  /** Publishes the closing statuses, then waits until the recorder has stored everything published. */
  finish(timeoutMs: number): Promise<void>;
  counts(): { published: number; stored: number; invalid: number };
  close(): Promise<void>;
}

export interface DemoTelemetryOptions {
  outDir: string;
  bench: string;
  mqtt?: BenchConfig['mqtt'];
  boards: string[];
  /** Package measurements the campaign will make (each one is a job on the Campaign dashboard). */
  jobsTotal: number;
  /** The device profile a board runs, for the predicted cost next to the measured one. */
  profileOf(board: string): DeviceProfile | undefined;
  log(line: string): void;
  now?: () => number;
}

export async function startDemoTelemetry(o: DemoTelemetryOptions): Promise<DemoTelemetry> {
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

async function wire(o: DemoTelemetryOptions, url: string, mqttSink: MqttTelemetrySink, recorder: SqliteRecorder, broker: EmbeddedBroker | undefined): Promise<DemoTelemetry> {
  const sink = new TeeSink([mqttSink, new FileTelemetrySink(join(o.outDir, 'telemetry.jsonl'), o.bench)]);
  await sink.publish('status', 'host', { state: 'online', deviceTimeUs: null, detail: `eve demo, broker ${url}` });
  for (const b of o.boards) await sink.publish('status', b, { state: 'busy', deviceTimeUs: null });
  const progress = new CampaignProgress(o.jobsTotal, o.now ?? Date.now);
  /** Dense-baseline latency per board, for the speedup of every later measurement on that board. */
  const denseUs = new Map<string, number>();
  const predicted = (board: string, pkg: EvePackage, mode: number) => {
    const profile = o.profileOf(board);
    if (!profile) return {};
    const model = extract(pkg, mode);
    const cost = estimateInference(profile, model.ops, model.inputLength);
    return { predictedLatencyUs: cost.seconds * 1e6, predictedEnergyUj: cost.energyJ * 1e6 };
  };
  let jobs = 0;
  const currentJob = new Map<string, { job: string; campaignId: number }>();
  const jobEvent = async (board: string, job: string, campaignId: number, state: 'running' | 'done', detail: string) => {
    const snap = state === 'running' ? progress.start(job) : progress.finish(job, true);
    await sink.publish('event', board, { kind: 'job', deviceTimeUs: null, detail, campaignId, job, jobState: state, ...snap });
  };

  return {
    sink,
    hooks: (phase, candidate, store, campaignId, costSource) => ({
      onDeployed: async (b, d) => {
        await sink.publish('event', b.id, { kind: 'deploy', deviceTimeUs: null, detail: `${phase} ${candidate()}: ${d.bytes} bytes in ${d.chunks} chunks, resumed from ${d.resumedFrom}, ${d.wireBytes} wire bytes` });
        const job = `${phase}-${++jobs}-${b.id}`;
        currentJob.set(b.id, { job, campaignId });
        await jobEvent(b.id, job, campaignId, 'running', `measure ${phase} ${candidate()} on ${b.id}`);
      },
      onMode: async (b, m, pkg) => {
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
        if (phase === 'dense') denseUs.set(b.id, m.latencyUs);
        const dense = denseUs.get(b.id);
        const speedup = dense !== undefined ? { speedupVsDense: dense / m.latencyUs } : {};
        await sink.publish('measurement', b.id, { ...body, campaignId, deviceTimeUs: counters.nowUs, ...predicted(b.id, pkg, m.mode), ...speedup });
        const current = currentJob.get(b.id);
        if (current && m.mode === pkg.modes.length - 1) {
          currentJob.delete(b.id);
          await jobEvent(b.id, current.job, current.campaignId, 'done', `measured ${phase} ${candidate()} on ${b.id}: ${pkg.modes.length} modes`);
        }
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
