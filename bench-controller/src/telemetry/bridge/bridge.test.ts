/**
 * The bridge against the embedded broker and a scripted InfluxDB on loopback (a node:http server
 * that records the lines it accepts and answers what each test tells it to). The real-influxd
 * scenarios are in test/e2e/telemetry-bridge.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../embedded-broker.js';
import { MqttTelemetrySink } from '../sink.js';
import { TelemetryBridge, type BridgeOptions, type Clock } from './bridge.js';
import { waitUntil } from '../../testing/wait-until.js';

type Answer = { status: number; body?: string };

class FakeInflux {
  readonly lines: string[] = [];
  requests = 0;
  answer: (lines: string[]) => Answer = () => ({ status: 204 });
  private constructor(private readonly server: Server, readonly url: string) {}
  static async start(): Promise<FakeInflux> {
    let self: FakeInflux | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        self!.requests++;
        const lines = body.split('\n').filter(Boolean);
        const a = self!.answer(lines);
        if (a.status === 204) self!.lines.push(...lines);
        res.writeHead(a.status).end(a.body ?? '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FakeInflux(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return self;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Real time, but retry waits are recorded and cut short. */
function fastClock(): Clock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => Date.now(), sleep: (ms) => { waits.push(ms); return new Promise((r) => setTimeout(r, 5)); } };
}

const until = waitUntil;

describe('TelemetryBridge', () => {
  let dir: string;
  let broker: EmbeddedBroker;
  let influx: FakeInflux;
  let bridge: TelemetryBridge | undefined;
  const log: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eve-bridge-'));
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    influx = await FakeInflux.start();
    log.length = 0;
  });

  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
    await broker.close();
    await influx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(o: { clock?: Clock; maxOutboxBytes?: number; deadLetterPath?: string; onGroupStage?: BridgeOptions['onGroupStage'] } = {}): Promise<TelemetryBridge> {
    return TelemetryBridge.start({
      mqtt: { url: broker.url, protocolVersion: 4, clientId: 'bridge-under-test' },
      influx: { url: influx.url, db: 'eve' },
      outboxPath: join(dir, 'outbox.sqlite'),
      deadLetterPath: o.deadLetterPath ?? join(dir, 'dead.jsonl'),
      metricsIntervalMs: 0,
      random: () => 0.5,
      clock: o.clock ?? fastClock(),
      maxOutboxBytes: o.maxOutboxBytes,
      onGroupStage: o.onGroupStage,
      log: (l) => log.push(l),
    });
  }

  async function publish(n: number, bench = 'b1'): Promise<void> {
    const sink = await MqttTelemetrySink.connect({ url: broker.url, bench, protocolVersion: 4, session: 's' });
    for (let i = 0; i < n; i++) await sink.publish('telemetry', 'x', { deviceTimeUs: null, capacitorV: 3, harvestW: 0, supplyV: 3.3, supplyA: 0.01, mode: 0, brownOuts: 0 });
    await sink.close();
  }

  it('writes every valid message as one point with the shared mapping', async () => {
    bridge = await start();
    await publish(20);
    // the writer thread reports what InfluxDB accepted after the fact
    await until(() => influx.lines.length === 20 && bridge!.stats.written === 20, () => `${influx.lines.length} lines`);
    expect(influx.lines[0]).toMatch(/^eve_telemetry,bench=b1,board=x,session=s,source=b1\/x .*seq=0i/);
    expect(bridge.stats).toMatchObject({ received: 20, written: 20, invalid: 0, seqGaps: 0, outboxDepth: 0 });
  });

  it('keeps points through a 5xx outage, retrying with jittered backoff, and loses none', async () => {
    const clock = fastClock();
    let failures = 4;
    influx.answer = () => (failures-- > 0 ? { status: 503, body: 'busy' } : { status: 204 });
    bridge = await start({ clock });
    await publish(30);
    await until(() => influx.lines.length === 30, () => `${influx.lines.length} lines, ${log.join('; ')}`);
    // random() = 0.5 with the default 200 ms floor: 200, 300, 500, 900
    expect(clock.waits.slice(0, 4)).toEqual([200, 300, 500, 900]);
    expect(log.some((l) => l.includes('InfluxDB unavailable'))).toBe(true);
    expect(new Set(influx.lines.map((l) => l.match(/seq=(\d+)i/)![1])).size).toBe(30);
  });

  it('dead-letters only the point InfluxDB rejects, with the reason, and writes the rest', async () => {
    influx.answer = (lines) => (lines.some((l) => l.includes('seq=3i'))
      ? { status: 400, body: '{"error":"partial write: field type conflict"}' }
      : { status: 204 });
    bridge = await start();
    await publish(10);
    await until(() => bridge!.stats.written + bridge!.stats.deadLettered === 10, () => JSON.stringify(bridge!.stats));
    expect(influx.lines).toHaveLength(9);
    const dead = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; line: string });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.line).toContain('seq=3i');
    expect(dead[0]!.reason).toContain('field type conflict');
  });

  it('dead-letters a batch InfluxDB refuses for credentials (401)', async () => {
    influx.answer = () => ({ status: 401, body: '{"error":"authorization failed"}' });
    bridge = await start();
    await publish(3);
    // the writer thread removes the batch from the outbox once its dead-letter records are on disk
    await until(() => bridge!.stats.deadLettered === 3 && bridge!.stats.outboxDepth === 0, () => JSON.stringify(bridge!.stats));
    expect(readFileSync(join(dir, 'dead.jsonl'), 'utf8')).toContain('INFLUX_HTTP_401');
  });

  it('keeps rejected points in the outbox when the dead-letter file cannot be written', async () => {
    influx.answer = () => ({ status: 401, body: 'no' });
    bridge = await start({ deadLetterPath: join(dir, 'missing-dir', 'dead.jsonl') });
    await publish(2);
    await until(() => log.some((l) => l.includes('cannot dead-letter')), () => log.join('; '));
    expect(bridge.stats).toMatchObject({ outboxDepth: 2, deadLettered: 0 });
  });

  it('counts and dead-letters invalid messages and keeps running', async () => {
    bridge = await start();
    const sink = await MqttTelemetrySink.connect({ url: broker.url, bench: 'b1', protocolVersion: 4 });
    // through the raw client: the sink itself refuses invalid payloads
    const raw = (sink as unknown as { client: { publishAsync(t: string, p: string, o: object): Promise<unknown> } }).client;
    await raw.publishAsync('eve/v1/b1/x/telemetry', 'not json', { qos: 1 });
    await raw.publishAsync('eve/v1/b1/x/telemetry', '{"seq":-1}', { qos: 1 });
    await sink.close();
    await publish(1);
    await until(() => bridge!.stats.written === 1 && bridge!.stats.invalid === 2, () => JSON.stringify(bridge!.stats));
    const reasons = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { reason: string }).reason);
    expect(reasons[0]).toBe('payload is not JSON');
    expect(reasons[1]).toMatch(/source|seq/);
  });

  it('holds points in the outbox while InfluxDB is down and writes them after a restart of the bridge', async () => {
    influx.answer = () => ({ status: 503 });
    bridge = await start();
    await publish(15);
    await until(() => bridge!.stats.outboxDepth === 15, () => JSON.stringify(bridge!.stats));
    await bridge.stop();
    influx.answer = () => ({ status: 204 });
    bridge = await start();
    await until(() => influx.lines.filter((l) => l.startsWith('eve_telemetry')).length === 15, () => `${influx.lines.length} lines`);
    expect(log.some((l) => l.includes('left in the outbox by an earlier run'))).toBe(true);
  });

  it('warns as the outbox fills and stops acknowledging when it is full, losing nothing', async () => {
    let down = true;
    influx.answer = () => (down ? { status: 503 } : { status: 204 });
    bridge = await start({ maxOutboxBytes: 2000 });
    const publishing = publish(30);
    await until(() => log.some((l) => l.includes('outbox full')), () => log.join('; '));
    expect(log.some((l) => /outbox \d+ % full/.test(l))).toBe(true);
    down = false;
    await publishing;
    await until(() => influx.lines.length === 30, () => `${influx.lines.length} lines; ${JSON.stringify(bridge!.stats)}`);
  });

  it('writes its own counters as the eve_bridge measurement', async () => {
    bridge = await start();
    await publish(2);
    await until(() => influx.lines.length === 2 && bridge!.stats.written === 2, () => `${influx.lines.length}`);
    await bridge.stop();
    bridge = undefined;
    const m = influx.lines.find((l) => l.startsWith('eve_bridge,'));
    expect(m).toMatch(/^eve_bridge,bridge=bridge received=2i,written=2i,invalid=0i,deadLettered=0i,seqGaps=0i,outboxDepth=0i \d+$/);
    expect(existsSync(join(dir, 'dead.jsonl'))).toBe(false);
  });

  /** A bridge that crashes (abort: no more commits or PUBACKs) at a group's stage, and the next run on its outbox. */
  async function crashAt(stage: 'closed' | 'committed', n: number): Promise<void> {
    let crashed: Promise<void> | undefined;
    const first: TelemetryBridge = await start({ onGroupStage: (s) => { if (s === stage && !crashed) crashed = first.abort(); } });
    await publish(n);
    await until(() => crashed !== undefined, () => 'no group reached the crash point');
    await crashed;
    bridge = await start();
    const seqs = () => new Set(influx.lines.map((l) => l.match(/seq=(\d+)i/)?.[1]).filter(Boolean));
    await until(() => seqs().size === n, () => `${seqs().size} of ${n} points; ${JSON.stringify(bridge!.stats)}`);
  }

  it('loses nothing when it crashes after a group\'s commit and before its PUBACKs (the redelivery is a harmless duplicate)', async () => {
    await crashAt('committed', 40);
    // the committed group was written from the outbox and again as the broker redelivered it
    expect(influx.lines.filter((l) => l.startsWith('eve_telemetry')).length).toBeGreaterThan(40);
  });

  it('loses nothing when it crashes before a group\'s commit (the broker redelivers it)', async () => {
    await crashAt('closed', 40);
    expect(influx.lines.filter((l) => l.startsWith('eve_telemetry'))).toHaveLength(40);
  });
});
