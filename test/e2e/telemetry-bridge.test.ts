/**
 * The telemetry path end to end against a real Mosquitto (the shipped example configuration) and a
 * real influxd: virtual boards publish through `eve telemetry simulate` (the spooling publisher),
 * `eve telemetry bridge` writes to InfluxDB, and every scenario knocks one piece over mid-stream.
 * Each scenario checks that every board's N messages are N points with sequence numbers 0..N-1.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Child, Influxd, Mosquitto } from '@eve-bench/bench-controller';
import { eveBin, repoRoot, requireSystemTool, runEve } from '../src/index.js';

const DB = 'eve';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('telemetry bridge against real Mosquitto and InfluxDB', () => {
  let dir: string;
  let broker: Mosquitto;
  let influx: Influxd;
  let bridge: Child;

  function startBridge(): Child {
    return new Child(process.execPath, [eveBin, 'telemetry', 'bridge', '--mqtt', broker.url, '--mqtt-username', 'eve-bridge', '--influx', influx.url, '--db', DB,
      '--outbox', join(dir, 'outbox.sqlite'), '--dead-letter', join(dir, 'dead-letter.jsonl'), '--name', 'e2e', '--metrics-interval', '1', '--batch-size', '500'],
    { env: { EVE_MQTT_PASSWORD: 'bridge-secret' } });
  }

  async function waitFor(what: () => boolean | Promise<boolean>, timeoutMs: number, why: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await what())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${why()}`);
      await sleep(100);
    }
  }

  async function startedBridge(): Promise<Child> {
    const b = startBridge();
    await waitFor(() => b.output.includes('Ctrl-C stops it') || !b.running, 15_000, () => b.output);
    if (!b.running) throw new Error(`bridge exited: ${b.output}`);
    return b;
  }

  function simulate(session: string, count: number, rate: number, spool = join(dir, `${session}.sqlite`)): Child {
    return new Child(process.execPath, [eveBin, 'telemetry', 'simulate', '--mqtt', broker.url, '--mqtt-username', 'bench1', '--bench', 'bench1', '--boards', '2',
      '--count', String(count), '--rate', String(rate), '--spool', spool, '--session', session, '--client-id', `bench1-${session}`],
    { env: { EVE_MQTT_PASSWORD: 'bench1-secret' } });
  }

  /** Per board: points, lowest and highest sequence number of one session. */
  async function points(session: string): Promise<Array<{ n: number; min: number; max: number }>> {
    const s = await influx.query(`SELECT count("seq"), min("seq"), max("seq") FROM "eve_telemetry" WHERE "session" = '${session}' GROUP BY "source"`, DB);
    return s.map((x) => ({ n: x.values[0]![1] as number, min: x.values[0]![2] as number, max: x.values[0]![3] as number }));
  }

  /** Waits until both boards' messages of the session are all in InfluxDB, and checks there are no gaps. */
  async function expectComplete(session: string, count: number, timeoutMs = 30_000): Promise<void> {
    const perBoard = count / 2;
    let last: unknown;
    await waitFor(async () => {
      const p = await points(session);
      last = p;
      return p.length === 2 && p.every((b) => b.n === perBoard);
    }, timeoutMs, () => `session ${session}: ${JSON.stringify(last)}; bridge: ${bridge.output.slice(-2000)}`);
    // duplicates overwrite (same series and timestamp), so count N with seq 0..N-1 means none missing
    expect(await points(session)).toEqual([{ n: perBoard, min: 0, max: perBoard - 1 }, { n: perBoard, min: 0, max: perBoard - 1 }]);
  }

  async function finished(c: Child, timeoutMs = 30_000): Promise<void> {
    const code = await Promise.race([c.wait(), sleep(timeoutMs).then(() => 'timeout')]);
    if (code !== 0) throw new Error(`exit ${code}: ${c.output}`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eve-bridge-e2e-'));
    [broker, influx] = await Promise.all([
      Mosquitto.start({ bin: requireSystemTool('mosquitto', 'mosquitto'), exampleDir: join(repoRoot, 'examples/mosquitto'), dir: join(dir, 'mosquitto'), runAs: process.getuid?.() === 0 ? 'root' : undefined }),
      Influxd.start({ bin: requireSystemTool('influxd', 'influxdb'), dir: join(dir, 'influxdb') }),
    ]);
    await influx.query(`CREATE DATABASE ${DB}`);
    bridge = await startedBridge();
  }, 60_000);

  afterAll(async () => {
    await bridge?.stop();
    await broker?.stop();
    await influx?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing across a broker restart mid-stream', async () => {
    const pub = simulate('broker-restart', 600, 200);
    await sleep(1000);
    await broker.stop();
    await sleep(1000);
    await broker.resume();
    await finished(pub);
    await expectComplete('broker-restart', 600);
  }, 60_000);

  it('loses nothing while the bridge is SIGKILLed and restarted', async () => {
    const pub = simulate('bridge-kill', 600, 200);
    await sleep(1000);
    await bridge.stop('SIGKILL');
    await sleep(1000);
    bridge = await startedBridge();
    await finished(pub);
    await expectComplete('bridge-kill', 600);
  }, 60_000);

  it('replays the spool of a publisher SIGKILLed while disconnected', async () => {
    await broker.stop();
    const spool = join(dir, 'killed-publisher.sqlite');
    const first = simulate('killed', 300, 1000, spool);
    await waitFor(() => first.output.includes('300 messages spooled'), 15_000, () => first.output);
    await first.stop('SIGKILL');
    await broker.resume();
    const second = simulate('after-kill', 100, 1000, spool);
    await finished(second);
    expect(JSON.parse(second.output.split('\n').find((l) => l.startsWith('{'))!)).toMatchObject({ replayed: 300, published: 400, spooled: 0 });
    await expectComplete('killed', 300);
    await expectComplete('after-kill', 100);
  }, 60_000);

  it('loses nothing while InfluxDB is stopped for 30 s mid-stream, and reports its outbox', async () => {
    const pub = simulate('influx-outage', 1600, 50);
    await sleep(3000);
    await influx.stop();
    await sleep(30_000);
    await influx.resume();
    await finished(pub);
    await expectComplete('influx-outage', 1600);
    expect(bridge.output).toContain('InfluxDB unavailable');
    // the fleet-health measurement saw the outbox fill during the outage
    const m = await influx.query(`SELECT max("outboxDepth"), last("seqGaps") FROM "eve_bridge" WHERE "bridge" = 'e2e'`, DB);
    expect(m[0]!.values[0]![1] as number).toBeGreaterThan(100);
    expect(m[0]!.values[0]![2]).toBe(0);
  }, 90_000);

  it('counts and dead-letters an invalid message without stopping', async () => {
    const c = await mqtt.connectAsync(broker.url, { username: 'bench1', password: 'bench1-secret', protocolVersion: 5 });
    await c.publishAsync('eve/v1/bench1/vb0/telemetry', '{"not":"telemetry"}', { qos: 1 });
    await c.endAsync();
    const file = join(dir, 'dead-letter.jsonl');
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('"not'), 10_000, () => bridge.output);
    const rec = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').at(-1)!) as { reason: string; topic: string };
    expect(rec.topic).toBe('eve/v1/bench1/vb0/telemetry');
    expect(rec.reason).toMatch(/source|expected/);
    expect(bridge.running).toBe(true);
  });

  it('refuses a client without credentials (example Mosquitto configuration)', async () => {
    await expect(mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/not authorized|bad user name or password/i);
  });

  it('does not let a bench publish under another bench', async () => {
    const watcher = await mqtt.connectAsync(broker.url, { username: 'eve-bridge', password: 'bridge-secret', protocolVersion: 5, clientId: 'acl-watcher' });
    const seen: string[] = [];
    watcher.on('message', (t) => seen.push(t));
    await watcher.subscribeAsync('eve/v1/#', { qos: 1 });
    const bench1 = await mqtt.connectAsync(broker.url, { username: 'bench1', password: 'bench1-secret', protocolVersion: 5, clientId: 'acl-bench1' });
    await bench1.publishAsync('eve/v1/bench2/vb0/event', 'forged', { qos: 1 }).catch(() => undefined);
    await bench1.publishAsync('eve/v1/bench1/vb0/event', 'own', { qos: 1 });
    await waitFor(() => seen.includes('eve/v1/bench1/vb0/event'), 5000, () => seen.join());
    expect(seen).not.toContain('eve/v1/bench2/vb0/event');
    await Promise.all([bench1.endAsync(), watcher.endAsync()]);
  });
});

describe('eve telemetry: bad arguments', () => {
  it('names a bad InfluxDB URL with its error code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eve-bridge-args-'));
    const r = await runEve(['telemetry', 'bridge', '--mqtt', 'mqtt://127.0.0.1:1', '--influx', 'not a url', '--db', 'eve', '--outbox', join(dir, 'o.sqlite')], 20_000);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[INFLUX_URL]');
  });

  it('refuses a message count of zero before connecting anywhere', async () => {
    const r = await runEve(['telemetry', 'simulate', '--mqtt', 'mqtt://127.0.0.1:1', '--bench', 'b1', '--count', '0'], 20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--count must be between 1');
  });
});
