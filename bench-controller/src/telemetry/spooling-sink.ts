/**
 * The resilient publisher: MQTT 5 (or 3.1.1 for the embedded broker), QoS 1, a persistent session,
 * a retained `status` with a retained last will `offline`, and an on-disk spool.
 *
 * Every message is written to the spool before it is handed to MQTT.js and removed when the broker
 * acknowledges it (PUBACK). While the connection is down MQTT.js holds the messages and resends
 * them on reconnect; if this process is killed meanwhile, the next process opened on the same
 * spool publishes what is left before anything new. A message is therefore lost only if the spool
 * file itself is.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { EveError } from '@eve-bench/device-agent';
import { DurableQueue, type QueuedRecord } from './durable-queue.js';
import { Stamper, type MqttSinkOptions, type SinkStats, type TelemetrySink } from './sink.js';
import type { BodyOf, TelemetryKind } from './schema.js';

export interface SpoolingSinkOptions extends MqttSinkOptions {
  /** SQLite file holding unacknowledged messages. */
  spoolPath: string;
  /** Broker-side session lifetime while disconnected (MQTT 5), seconds. Default one day. */
  sessionExpirySeconds?: number;
  fsync?: boolean;
  /** Hears connection errors (refused credentials, unreachable broker); MQTT.js keeps retrying. */
  onError?: (e: Error) => void;
}

interface Spooled {
  topic: string;
  payload: string;
  retain: boolean;
}

export interface SpoolingSinkStats extends SinkStats {
  /** Messages from an earlier process found in the spool and published again. */
  replayed: number;
}

export class SpoolingMqttSink implements TelemetrySink {
  readonly stats: SpoolingSinkStats = { published: 0, failed: 0, replayed: 0 };
  private inFlight = new Set<Promise<void>>();

  private constructor(private readonly client: MqttClient, private readonly stamper: Stamper, private readonly spool: DurableQueue) {}

  /**
   * Opens the spool and starts connecting; resolves without waiting for the broker, so a bench
   * that starts while the broker is down still records (into the spool) from the first sample.
   */
  static open(o: SpoolingSinkOptions): SpoolingMqttSink {
    const stamper = new Stamper(o.bench, o.now, o.session);
    const will = stamper.stamp('status', 'host', { state: 'offline', deviceTimeUs: null, detail: 'connection lost' });
    const spool = new DurableQueue(o.spoolPath, { fsync: o.fsync });
    const v5 = (o.protocolVersion ?? 5) === 5;
    const client = mqtt.connect(o.url, {
      protocolVersion: o.protocolVersion ?? 5,
      // a stable client id is what makes the session persistent across this process's restarts
      clientId: o.clientId ?? `eve-${o.bench}-publisher`,
      clean: false,
      ...(v5 ? { properties: { sessionExpiryInterval: o.sessionExpirySeconds ?? 86_400 } } : {}),
      username: o.username,
      password: o.password,
      ca: o.ca,
      connectTimeout: 5000,
      reconnectPeriod: 500,
      will: { topic: will.topic, payload: Buffer.from(JSON.stringify(will.payload)), qos: 1, retain: true },
    });
    // connection errors are retried by MQTT.js; without a listener an 'error' event would kill the process
    client.on('error', (e) => o.onError?.(e));
    const sink = new SpoolingMqttSink(client, stamper, spool);
    sink.replay();
    return sink;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Messages written but not yet acknowledged by the broker. */
  get spooled(): number {
    return this.spool.count;
  }

  /** Hands what an earlier process left in the spool to MQTT.js, oldest first. */
  private replay(): void {
    const left = this.spool.peek(Number.MAX_SAFE_INTEGER);
    for (const r of left) this.send(r).catch(() => {});
    this.stats.replayed += left.length;
  }

  private send(r: QueuedRecord): Promise<void> {
    const m = JSON.parse(r.text) as Spooled;
    const p = this.client
      .publishAsync(m.topic, m.payload, { qos: 1, retain: m.retain })
      .then(() => { this.spool.remove([r]); this.stats.published++; }, (e: Error) => { this.stats.failed++; throw new EveError('MQTT_PUBLISH', `${m.topic}: ${e.message} (kept in the spool)`, { retriable: true, cause: e }); })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  /** Resolves once the message is in the spool; delivery continues in the background (see flush). */
  async publish<K extends TelemetryKind>(kind: K, board: string, body: BodyOf<K>): Promise<void> {
    const { topic, payload } = this.stamper.stamp(kind, board, body);
    const text = JSON.stringify({ topic, payload: JSON.stringify(payload), retain: kind === 'status' } satisfies Spooled);
    const [id] = this.spool.push([text]);
    this.send({ id: id!, text, items: 1 }).catch(() => {});
  }

  /** Waits until every message handed over so far is acknowledged (or failed). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Flushes if connected, then disconnects; unacknowledged messages stay in the spool. */
  async close(o: { flushTimeoutMs?: number } = {}): Promise<void> {
    if (this.client.connected) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.flush(), new Promise<void>((r) => { timer = setTimeout(r, o.flushTimeoutMs ?? 5000); })]);
      clearTimeout(timer);
    }
    // a clean DISCONNECT when connected, so the broker does not publish the last will
    await this.client.endAsync(!this.client.connected);
    this.spool.close();
  }
}
