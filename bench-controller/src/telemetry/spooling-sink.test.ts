import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from './embedded-broker.js';
import { freePort } from './local-services/free-port.js';
import { SpoolingMqttSink } from './spooling-sink.js';
import { waitUntil } from '../testing/wait-until.js';

const sample = { deviceTimeUs: null, capacitorV: 3, harvestW: 0, supplyV: 3.3, supplyA: 0.01, mode: 0, brownOuts: 0 };

const until = (cond: () => boolean, timeoutMs = 5000) => waitUntil(cond, undefined, timeoutMs);

describe('SpoolingMqttSink', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'eve-spool-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what it could not deliver on disk and publishes it from the next process first', async () => {
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const spoolPath = join(dir, 'spool.sqlite');
    // no broker yet: everything stays in the spool
    const offline = SpoolingMqttSink.open({ url, bench: 'b1', protocolVersion: 4, spoolPath, session: 'first' });
    for (let i = 0; i < 5; i++) await offline.publish('telemetry', 'x', sample);
    expect(offline.spooled).toBe(5);
    await offline.close();

    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port });
    const seen: Array<{ session: string; seq: number }> = [];
    const sub = await mqtt.connectAsync(url, { protocolVersion: 4 });
    sub.on('message', (_t, m) => seen.push(JSON.parse(m.toString()) as { session: string; seq: number }));
    await sub.subscribeAsync('eve/v1/#', { qos: 1 });
    const next = SpoolingMqttSink.open({ url, bench: 'b1', protocolVersion: 4, spoolPath, session: 'second' });
    await next.publish('telemetry', 'x', sample);
    await next.flush();
    await until(() => seen.length === 6);
    expect(seen.map((m) => `${m.session}:${m.seq}`)).toEqual(['first:0', 'first:1', 'first:2', 'first:3', 'first:4', 'second:0']);
    expect(next.stats).toMatchObject({ replayed: 5, published: 6 });
    expect(next.spooled).toBe(0);
    await next.close();
    await sub.endAsync();
    await broker.close();
  });

  it('refuses an invalid message with a typed error and spools nothing', async () => {
    const sink = SpoolingMqttSink.open({ url: `mqtt://127.0.0.1:${await freePort()}`, bench: 'b1', protocolVersion: 4, spoolPath: join(dir, 's.sqlite') });
    await expect(sink.publish('telemetry', 'x', { ...sample, harvestW: -1 })).rejects.toMatchObject({ code: 'TELEMETRY_INVALID' });
    expect(sink.spooled).toBe(0);
    await sink.close();
  });
});
