/**
 * The telemetry path's benchmark, against a local Mosquitto (the example configuration) and
 * influxd started here on loopback:
 * - ingest throughput: N messages queued on the broker for a persistent session, then drained
 *   by (a) a do-nothing QoS 1 subscriber (the ceiling, with the bridge's MQTT client options:
 *   MQTT 5, persistent session, the same receive maximum) and (b) the bridge, timed until the last
 *   point is in InfluxDB. Rounds alternate the two, so both see the same machine; the figure is
 *   the median of the rounds' ratios. This process's CPU time per message is reported for both
 *   (process.cpuUsage counts every thread of the process: for the bridge, its InfluxDB writer
 *   thread too);
 * - end-to-end latency at 1,000 messages/s: publish (spooling publisher) -> InfluxDB accepted the
 *   write, p50/p99 over the run.
 * Writes bench/results/telemetry.json and prints a table.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { EveError } from '@eve-bench/device-agent';
import { TelemetryBridge, bridgeClientOptions } from '../telemetry/bridge/bridge.js';
import { Influxd } from '../telemetry/local-services/influxd.js';
import { Mosquitto } from '../telemetry/local-services/mosquitto.js';
import { MqttTelemetrySink } from '../telemetry/sink.js';
import { SpoolingMqttSink } from '../telemetry/spooling-sink.js';
import { runSimulatedBoards } from '../telemetry/simulated-boards.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const N = Number(process.env['EVE_TELEMETRY_BENCH_N'] ?? 100_000);
// five: on a shared machine single rounds swing between a third and three quarters of the ceiling
const ROUNDS = Number(process.env['EVE_TELEMETRY_BENCH_ROUNDS'] ?? 5);
const RATE = 1000;
const LATENCY_SECONDS = 10;
const BRIDGE_USER = { username: 'eve-bridge', password: 'bridge-secret' };
const BENCH_USER = { username: 'bench1', password: 'bench1-secret' };

function binary(bin: string, pkg: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new EveError('BENCH_TOOL_MISSING', `${bin} not found: run 'apt-get install -y ${pkg}'`);
  }
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new EveError('BENCH_TIMEOUT', `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Publishes n telemetry messages as fast as the broker acknowledges them. */
async function preload(url: string, n: number, session: string): Promise<void> {
  const sink = await MqttTelemetrySink.connect({ url, bench: 'bench1', ...BENCH_USER, session, clientId: `preload-${session}` });
  await runSimulatedBoards(sink, { boards: 4, count: n, rate: 1e9 });
  await sink.close();
}

/** One drain: messages per second and this process's CPU microseconds per message. */
interface Drain { perS: number; cpuUsPerMessage: number }

/** Times `drain` from its start until `done()`, wall clock and this process's CPU (all its threads). */
async function timed(what: string, drain: () => Promise<() => boolean>): Promise<Drain> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const done = await drain();
  await until(done, 300_000, what);
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perS: N / s, cpuUsPerMessage: (cpu.user + cpu.system) / N };
}

/**
 * Creates a persistent session subscribed to everything, so the preload queues up for it. Only one
 * such session exists at a time: another one left behind would queue the same messages too.
 */
async function openSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, bridgeClientOptions({ url, ...BRIDGE_USER, clientId }));
  await c.subscribeAsync('eve/v1/#', { qos: 1 });
  await c.endAsync();
}

/** Ends a session: a clean start with no expiry removes it from the broker when the client leaves. */
async function closeSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { ...bridgeClientOptions({ url, ...BRIDGE_USER, clientId }), clean: true, properties: { sessionExpiryInterval: 0 } });
  await c.endAsync();
}

/** A do-nothing subscriber with the bridge's client options (MQTT.js acknowledges each message itself). */
async function ceiling(url: string, round: number): Promise<Drain> {
  const o = bridgeClientOptions({ url, ...BRIDGE_USER, clientId: 'bench-ceiling' });
  await openSession(url, 'bench-ceiling');
  await preload(url, N, `ceiling-${round}`);
  let got = 0;
  let c: mqtt.MqttClient | undefined;
  const d = await timed('the do-nothing subscriber', async () => {
    // the handler is in place before CONNACK: queued messages follow it immediately
    c = mqtt.connect(url, o);
    c.on('message', () => { got++; });
    return () => got >= N;
  });
  await c!.endAsync();
  await closeSession(url, 'bench-ceiling');
  return d;
}

async function bridgeThroughput(url: string, influx: Influxd, dir: string, round: number): Promise<Drain> {
  const opts = {
    mqtt: { url, ...BRIDGE_USER, clientId: 'bench-bridge-throughput' },
    influx: { url: influx.url, db: 'bench' },
    outboxPath: join(dir, `throughput-outbox-${round}.sqlite`),
    deadLetterPath: join(dir, 'dead-letter.jsonl'),
    metricsIntervalMs: 0,
    log: () => {},
  };
  await openSession(url, opts.mqtt.clientId);
  await preload(url, N, `throughput-${round}`);
  let bridge: TelemetryBridge | undefined;
  const d = await timed('the bridge', async () => {
    const b = (bridge = await TelemetryBridge.start(opts));
    return () => b.stats.written >= N;
  });
  await bridge!.stop();
  await closeSession(url, opts.mqtt.clientId);
  return d;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function latency(url: string, influx: Influxd, dir: string): Promise<{ p50Ms: number; p99Ms: number; maxMs: number; messages: number }> {
  const ms: number[] = [];
  const bridge = await TelemetryBridge.start({
    mqtt: { url, ...BRIDGE_USER, clientId: 'bench-bridge-latency' },
    influx: { url: influx.url, db: 'bench' },
    outboxPath: join(dir, 'latency-outbox.sqlite'),
    deadLetterPath: join(dir, 'dead-letter.jsonl'),
    metricsIntervalMs: 0,
    log: () => {},
    onWritten: (texts) => {
      const now = Date.now();
      const lines = texts.flatMap((t) => t.split('\n'));
      // the point's timestamp is hostTime (ms) x 10^6 + seq mod 10^6 (line-protocol.ts)
      // only samples: the publisher's status (and its will) are stamped when it connects
      for (const l of lines) if (l.startsWith('eve_telemetry,')) ms.push(now - Math.floor(Number(l.slice(l.lastIndexOf(' ') + 1)) / 1e6));
    },
  });
  const count = RATE * LATENCY_SECONDS;
  const sink = SpoolingMqttSink.open({ url, bench: 'bench1', ...BENCH_USER, spoolPath: join(dir, 'spool.sqlite'), clientId: 'bench-latency-publisher', session: 'latency' });
  await runSimulatedBoards(sink, { boards: 4, count, rate: RATE });
  await sink.flush();
  await until(() => ms.length >= count, 60_000, 'the latency run');
  await sink.close();
  await bridge.stop();
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
  return { p50Ms: q(0.5), p99Ms: q(0.99), maxMs: ms[ms.length - 1]!, messages: ms.length };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eve-telemetry-bench-'));
  const broker = await Mosquitto.start({ bin: binary('mosquitto', 'mosquitto'), exampleDir: join(root, 'examples/mosquitto'), dir: join(dir, 'mosquitto'), runAs: process.getuid?.() === 0 ? 'root' : undefined });
  const influx = await Influxd.start({ bin: binary('influxd', 'influxdb'), dir: join(dir, 'influxdb') });
  try {
    await influx.query('CREATE DATABASE bench');
    const rounds: { ceiling: Drain; bridge: Drain; ratio: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // alternating, so a busy spell on the shared machine hits both sides alike
      const c = await ceiling(broker.url, r);
      const b = await bridgeThroughput(broker.url, influx, dir, r);
      rounds.push({ ceiling: c, bridge: b, ratio: b.perS / c.perS });
      console.log(`round ${r + 1}/${ROUNDS}: ceiling ${Math.round(c.perS)} msg/s (${c.cpuUsPerMessage.toFixed(1)} µs CPU/msg), bridge ${Math.round(b.perS)} msg/s (${b.cpuUsPerMessage.toFixed(1)} µs CPU/msg): ${(b.perS / c.perS * 100).toFixed(0)} %`);
    }
    const lat = await latency(broker.url, influx, dir);
    const round = (d: Drain) => ({ messagesPerS: Math.round(d.perS), cpuUsPerMessage: Number(d.cpuUsPerMessage.toFixed(2)) });
    const result = {
      date: new Date().toISOString(), node: process.version, messagesPerRound: N,
      rounds: rounds.map((r) => ({ ceiling: round(r.ceiling), bridge: round(r.bridge), fractionOfCeiling: Number(r.ratio.toFixed(3)) })),
      median: {
        ceilingMessagesPerS: Math.round(median(rounds.map((r) => r.ceiling.perS))),
        bridgeMessagesPerS: Math.round(median(rounds.map((r) => r.bridge.perS))),
        fractionOfCeiling: Number(median(rounds.map((r) => r.ratio)).toFixed(3)),
        ceilingCpuUsPerMessage: Number(median(rounds.map((r) => r.ceiling.cpuUsPerMessage)).toFixed(2)),
        bridgeCpuUsPerMessage: Number(median(rounds.map((r) => r.bridge.cpuUsPerMessage)).toFixed(2)),
      },
      latencyAt1000PerS: lat,
      targets: { fractionOfCeiling: 0.5, p99Ms: 1000 },
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/telemetry.json'), JSON.stringify(result, null, 2) + '\n');
    const m = result.median;
    console.log(`\ntelemetry: ${ROUNDS} rounds of ${N} QoS 1 messages queued on Mosquitto, drained by (median)`);
    console.log(`  do-nothing subscriber (ceiling)  ${m.ceilingMessagesPerS.toString().padStart(7)} msg/s  ${m.ceilingCpuUsPerMessage.toFixed(1).padStart(5)} µs CPU/msg`);
    console.log(`  bridge -> InfluxDB               ${m.bridgeMessagesPerS.toString().padStart(7)} msg/s  ${m.bridgeCpuUsPerMessage.toFixed(1).padStart(5)} µs CPU/msg`);
    console.log(`  median of the rounds' ratios     ${(m.fractionOfCeiling * 100).toFixed(0)} % of the ceiling (target >= 50 %)`);
    console.log(`latency publish -> InfluxDB at ${RATE} msg/s for ${LATENCY_SECONDS} s: p50 ${lat.p50Ms} ms, p99 ${lat.p99Ms} ms, max ${lat.maxMs} ms (target p99 < 1000 ms)`);
    console.log('wrote bench/results/telemetry.json');
  } finally {
    await broker.stop();
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e: Error) => {
  console.error(`telemetry bench: ${e.message}`);
  process.exit(1);
});
