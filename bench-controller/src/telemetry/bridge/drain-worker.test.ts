/**
 * The bridge's InfluxDB writer thread under supervision: a thread that crashes is restarted and
 * nothing is lost; one that keeps crashing makes the bridge give up loudly. The crashing threads
 * are substitute scripts (plain ES modules written here); the restarted one is the real writer.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../embedded-broker.js';
import { MqttTelemetrySink } from '../sink.js';
import { TelemetryBridge } from './bridge.js';
import { drainThreadScript } from './drain-worker.js';
import { waitUntil } from '../../testing/wait-until.js';

const until = (cond: () => boolean, what: () => string, timeoutMs = 10_000) => waitUntil(cond, what, timeoutMs);

describe('the bridge\'s InfluxDB writer thread', () => {
  let dir: string;
  let broker: EmbeddedBroker;
  let server: Server;
  let influxUrl: string;
  const lines: string[] = [];
  const log: string[] = [];
  let bridge: TelemetryBridge | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eve-drain-'));
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    lines.length = 0;
    log.length = 0;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        lines.push(...body.split('\n').filter(Boolean));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    influxUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
    await broker.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  function start(script: string): Promise<TelemetryBridge> {
    const path = join(dir, 'thread.mjs');
    writeFileSync(path, script);
    return TelemetryBridge.start({
      mqtt: { url: broker.url, protocolVersion: 4, clientId: 'bridge-under-test' },
      influx: { url: influxUrl, db: 'eve' },
      outboxPath: join(dir, 'outbox.sqlite'),
      deadLetterPath: join(dir, 'dead.jsonl'),
      metricsIntervalMs: 0,
      random: () => 0.5,
      clock: { now: () => Date.now(), sleep: () => new Promise((r) => setTimeout(r, 5)) },
      log: (l) => log.push(l),
      drainThread: pathToFileURL(path),
    });
  }

  async function publish(n: number): Promise<void> {
    const sink = await MqttTelemetrySink.connect({ url: broker.url, bench: 'b1', protocolVersion: 4, session: 's' });
    for (let i = 0; i < n; i++) await sink.publish('telemetry', 'x', { deviceTimeUs: null, capacitorV: 3, harvestW: 0, supplyV: 3.3, supplyA: 0.01, mode: 0, brownOuts: 0 });
    await sink.close();
  }

  it('restarts a crashed writer, which then writes everything the outbox holds', async () => {
    const marker = join(dir, 'crashed-once');
    // crashes the first time, once messages are waiting in the outbox; the real writer after that
    bridge = await start(`
      import { existsSync, writeFileSync } from 'node:fs';
      if (!existsSync(${JSON.stringify(marker)})) {
        await new Promise((r) => setTimeout(r, 300));
        writeFileSync(${JSON.stringify(marker)}, '');
        throw new Error('writer thread failure for the test');
      }
      await import(${JSON.stringify(drainThreadScript().href)});
    `);
    await publish(20);
    await until(() => bridge!.stats.written === 20, () => `${JSON.stringify(bridge!.stats)}; ${log.join('; ')}`);
    expect(existsSync(marker)).toBe(true);
    expect(log.some((l) => l.includes('BRIDGE_DRAIN_CRASHED') && l.includes('writer thread failure for the test') && l.includes('restarting'))).toBe(true);
    expect(new Set(lines.map((l) => l.match(/seq=(\d+)i/)![1])).size).toBe(20);
    expect(bridge.stats.outboxDepth).toBe(0);
  });

  it('gives up loudly on a writer that keeps crashing, stopping without acknowledging more', async () => {
    bridge = await start(`throw new Error('always broken');`);
    const e = await bridge.failure;
    expect(e).toMatchObject({ code: 'BRIDGE_DRAIN_FAILED' });
    expect(e.message).toContain('always broken');
    expect(log.filter((l) => l.includes('restarting'))).toHaveLength(5);
    expect(log.some((l) => l.includes('FATAL BRIDGE_DRAIN_FAILED'))).toBe(true);
    // disconnected: what is published now stays with the broker's session
    await publish(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(bridge.stats.received).toBe(0);
  });

  it('takes its script from the build when the bridge runs from source', () => {
    expect(drainThreadScript().pathname).toMatch(/\/bench-controller\/dist\/telemetry\/bridge\/drain-thread\.js$/);
  });
});
