/**
 * The telemetry path's benchmark, against a local Mosquitto (the example configuration) and
 * influxd started here on loopback:
 * - ingest throughput: N messages queued on the broker for a persistent session, then drained
 *   by (a) a do-nothing QoS 1 subscriber (the ceiling) and (b) the bridge, timed until the last
 *   point is in InfluxDB;
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
import { TelemetryBridge } from '../telemetry/bridge/bridge.js';
import { Influxd } from '../telemetry/local-services/influxd.js';
import { Mosquitto } from '../telemetry/local-services/mosquitto.js';
import { MqttTelemetrySink } from '../telemetry/sink.js';
import { SpoolingMqttSink } from '../telemetry/spooling-sink.js';
import { runSimulatedBoards } from '../telemetry/simulated-boards.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const N = Number(process.env['EVE_TELEMETRY_BENCH_N'] ?? 20_000);
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

async function ceiling(url: string): Promise<number> {
  const o = { protocolVersion: 5 as const, ...BRIDGE_USER, clientId: 'bench-ceiling', clean: false, properties: { sessionExpiryInterval: 3600, receiveMaximum: 1000 } };
  const first = await mqtt.connectAsync(url, o);
  await first.subscribeAsync('eve/v1/#', { qos: 1 });
  await first.endAsync();
  await preload(url, N, 'ceiling');
  let got = 0;
  const t0 = performance.now();
  // the handler is in place before CONNACK: queued messages follow it immediately
  const c = mqtt.connect(url, o);
  c.on('message', () => { got++; });
  await until(() => got >= N, 120_000, 'the do-nothing subscriber');
  const s = (performance.now() - t0) / 1000;
  await c.endAsync();
  return N / s;
}

async function bridgeThroughput(url: string, influx: Influxd, dir: string): Promise<number> {
  let written = 0;
  const opts = {
    mqtt: { url, ...BRIDGE_USER, clientId: 'bench-bridge-throughput' },
    influx: { url: influx.url, db: 'bench' },
    outboxPath: join(dir, 'throughput-outbox.sqlite'),
    deadLetterPath: join(dir, 'dead-letter.jsonl'),
    metricsIntervalMs: 0,
    log: () => {},
    onWritten: (lines: readonly string[]) => { written += lines.length; },
  };
  await (await TelemetryBridge.start(opts)).stop(); // creates the persistent session
  await preload(url, N, 'throughput');
  const t0 = performance.now();
  const bridge = await TelemetryBridge.start(opts);
  await until(() => written >= N, 120_000, 'the bridge');
  const s = (performance.now() - t0) / 1000;
  await bridge.stop();
  return N / s;
}

async function latency(url: string, influx: Influxd, dir: string): Promise<{ p50Ms: number; p99Ms: number; maxMs: number; messages: number }> {
  const ms: number[] = [];
  const bridge = await TelemetryBridge.start({
    mqtt: { url, ...BRIDGE_USER, clientId: 'bench-bridge-latency' },
    influx: { url: influx.url, db: 'bench' },
    outboxPath: join(dir, 'latency-outbox.sqlite'),
    deadLetterPath: join(dir, 'dead-letter.jsonl'),
    metricsIntervalMs: 0,
    log: () => {},
    onWritten: (lines) => {
      const now = Date.now();
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
    const ceilingPerS = await ceiling(broker.url);
    const bridgePerS = await bridgeThroughput(broker.url, influx, dir);
    const lat = await latency(broker.url, influx, dir);
    const result = {
      date: new Date().toISOString(), node: process.version, messages: N,
      ceilingMessagesPerS: Math.round(ceilingPerS), bridgeMessagesPerS: Math.round(bridgePerS), fractionOfCeiling: bridgePerS / ceilingPerS,
      latencyAt1000PerS: lat,
      targets: { fractionOfCeiling: 0.5, p99Ms: 1000 },
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/telemetry.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(`\ntelemetry: ${N} QoS 1 messages queued on Mosquitto, drained by`);
    console.log(`  do-nothing subscriber (ceiling)  ${result.ceilingMessagesPerS.toString().padStart(7)} msg/s`);
    console.log(`  bridge -> InfluxDB               ${result.bridgeMessagesPerS.toString().padStart(7)} msg/s  (${(result.fractionOfCeiling * 100).toFixed(0)} % of ceiling; target >= 50 %)`);
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
