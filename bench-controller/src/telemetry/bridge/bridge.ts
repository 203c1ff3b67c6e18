/**
 * The MQTT -> InfluxDB bridge. A message is validated, turned into a line of line protocol and put
 * in the durable outbox *before* it is acknowledged to the broker (PUBACK), so anything the broker
 * handed over is either in the outbox or will be redelivered. A drain loop writes the outbox to
 * InfluxDB in batches and removes what was written; retriable failures wait with jittered backoff
 * for as long as the outage lasts; rejected points go to the dead-letter file with the reason.
 * When the outbox reaches its bound the bridge stops acknowledging, so the broker's persistent
 * session holds the rest (MQTT 5 receive-maximum bounds what is in flight meanwhile).
 */
import { appendFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { EveError, isEveError } from '@eve-bench/device-agent';
import { DurableQueue, type QueuedRecord } from '../durable-queue.js';
import { toLineProtocol, pointTimestampNs } from '../line-protocol.js';
import { SCHEMAS, TOPIC_ROOT, parseTopic } from '../schema.js';
import { Backoff } from './backoff.js';
import { InfluxV1Writer, type InfluxV1Options } from './influx-v1-writer.js';
import { SeqGapCounter } from './seq-gaps.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface BridgeOptions {
  mqtt: { url: string; username?: string; password?: string; ca?: Buffer; protocolVersion?: 4 | 5; clientId?: string };
  influx: InfluxV1Options;
  outboxPath: string;
  deadLetterPath: string;
  /** Names this bridge in the `eve_bridge` measurement (tag `bridge`). */
  name?: string;
  batchSize?: number;
  maxOutboxBytes?: number;
  metricsIntervalMs?: number;
  clock?: Clock;
  random?: () => number;
  log?: (line: string) => void;
  /** Hears each batch InfluxDB accepted (benchmarks measure latency with it). */
  onWritten?: (lines: readonly string[]) => void;
}

/** Counters since this process started; written every metrics interval as `eve_bridge`. */
export interface BridgeStats {
  received: number;
  written: number;
  invalid: number;
  deadLettered: number;
  seqGaps: number;
  outboxDepth: number;
}

const WARN_AT = [0.5, 0.8, 0.95];

export class TelemetryBridge {
  private readonly counts = { received: 0, written: 0, invalid: 0, deadLettered: 0 };
  private readonly gaps = new SeqGapCounter();
  private readonly backoff: Backoff;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly maxBytes: number;
  private readonly name: string;
  private kick: (() => void) | undefined;
  private running = true;
  private warned = 0;
  private outage: EveError | undefined;
  private drainDone: Promise<void> = Promise.resolve();
  private metricsTimer: NodeJS.Timeout | undefined;
  private client!: MqttClient;

  private constructor(private readonly o: BridgeOptions, private readonly outbox: DurableQueue, private readonly influx: InfluxV1Writer) {
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? ((l) => process.stderr.write(`${l}\n`));
    this.backoff = new Backoff({ random: o.random });
    this.maxBytes = o.maxOutboxBytes ?? 1024 ** 3;
    this.name = o.name ?? 'bridge';
  }

  static async start(o: BridgeOptions): Promise<TelemetryBridge> {
    const influx = new InfluxV1Writer(o.influx);
    const bridge = new TelemetryBridge(o, new DurableQueue(o.outboxPath), influx);
    if (bridge.outbox.count > 0) bridge.log(`bridge: ${bridge.outbox.count} points left in the outbox by an earlier run; writing them first`);
    bridge.drainDone = bridge.drain();
    const v5 = (o.mqtt.protocolVersion ?? 5) === 5;
    const client = mqtt.connect(o.mqtt.url, {
      protocolVersion: o.mqtt.protocolVersion ?? 5,
      clientId: o.mqtt.clientId ?? `eve-bridge-${bridge.name}`,
      clean: false,
      ...(v5 ? { properties: { sessionExpiryInterval: 7 * 86_400, receiveMaximum: 1000 } } : {}),
      username: o.mqtt.username,
      password: o.mqtt.password,
      ca: o.mqtt.ca,
      connectTimeout: 5000,
      reconnectPeriod: 500,
    });
    // MQTT.js sends the PUBACK when this callback is called (for 3.1.1 and 5 alike), and handles
    // the next message only then; set before CONNECT, as a persistent session redelivers at once
    client.handleMessage = (packet, callback) => bridge.accept(packet.topic, Buffer.from(packet.payload), (e) => callback(typeof e === 'number' ? undefined : e));
    bridge.client = client;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    }).catch(async (e: Error) => {
      client.end(true);
      bridge.running = false;
      bridge.kick?.();
      await bridge.drainDone;
      bridge.outbox.close();
      throw new EveError('MQTT_CONNECT', `bridge cannot connect to ${o.mqtt.url}: ${e.message}`, { retriable: true, cause: e });
    });
    bridge.client.on('error', (e) => bridge.log(`bridge: MQTT: ${e.message}`));
    await bridge.client.subscribeAsync(`${TOPIC_ROOT}/#`, { qos: 1 });
    const every = o.metricsIntervalMs ?? 10_000;
    if (every > 0) bridge.metricsTimer = setInterval(() => bridge.writeMetrics(), every);
    return bridge;
  }

  get stats(): BridgeStats {
    return { ...this.counts, seqGaps: this.gaps.gaps, outboxDepth: this.outbox.count };
  }

  /** Synchronous while the outbox has room (the common case costs no promise hops per message). */
  private accept(topic: string, message: Buffer, done: (e?: Error | number) => void): void {
    this.counts.received++;
    let line: string | undefined;
    try {
      line = this.toLine(topic, message);
      if (line !== undefined && this.outbox.bytes + line.length <= this.maxBytes) this.store(line);
      else if (line !== undefined) return void this.acceptWhenRoom(line).then(() => done(0), (e: Error) => this.notAcked(e, done));
    } catch (e) {
      return this.notAcked(e as Error, done);
    }
    done(0);
  }

  private notAcked(e: Error, done: (e?: Error) => void): void {
    this.log(`bridge: not acknowledged, the broker will redeliver: ${e.message}`);
    done(e);
  }

  private async acceptWhenRoom(line: string): Promise<void> {
    while (this.outbox.bytes + line.length > this.maxBytes) {
      if (!this.running) throw new EveError('BRIDGE_STOPPED', 'bridge stopping with a full outbox');
      this.warnFill(true);
      await this.clock.sleep(200);
    }
    this.store(line);
  }

  private store(line: string): void {
    this.outbox.push([line]);
    this.warnFill(false);
    this.kick?.();
  }

  /** The message's line, or undefined after counting and dead-lettering an invalid one. */
  private toLine(topic: string, message: Buffer): string | undefined {
    const t = parseTopic(topic);
    if (!t) return this.reject(`not an EVE topic`, topic, message.toString('utf8'));
    let json: unknown;
    try {
      json = JSON.parse(message.toString('utf8'));
    } catch {
      return this.reject('payload is not JSON', topic, message.toString('utf8'));
    }
    const r = SCHEMAS[t.kind].safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0]!;
      return this.reject(`${i.path.join('.') || '(payload)'}: ${i.message}`, topic, message.toString('utf8'));
    }
    const p = r.data;
    this.gaps.observe(p.source, p.session, t.kind, p.seq);
    return toLineProtocol(t.kind, t.bench, t.board, p);
  }

  private reject(reason: string, topic: string, payload: string): undefined {
    this.counts.invalid++;
    this.log(`bridge: invalid message on ${topic}: ${reason}`);
    this.deadLetter(reason, { topic, payload });
    return undefined;
  }

  private deadLetter(reason: string, what: { topic: string; payload: string } | { line: string }): void {
    // appended synchronously: the record must be on disk before the message is acknowledged or removed
    appendFileSync(this.o.deadLetterPath, JSON.stringify({ at: new Date(this.clock.now()).toISOString(), reason, ...what }) + '\n');
    this.counts.deadLettered++;
  }

  private warnFill(full: boolean): void {
    const fill = this.outbox.bytes / this.maxBytes;
    if (fill < WARN_AT[0]!) { this.warned = 0; return; }
    const level = full ? WARN_AT.length + 1 : WARN_AT.filter((w) => fill >= w).length;
    if (level <= this.warned) return;
    this.warned = level;
    this.log(full
      ? `bridge: WARNING outbox full (${this.outbox.count} points, ${(this.outbox.bytes / 1e6).toFixed(1)} MB of ${(this.maxBytes / 1e6).toFixed(1)} MB): no longer acknowledging; the broker keeps the rest`
      : `bridge: WARNING outbox ${(fill * 100).toFixed(0)} % full (${this.outbox.count} points${this.outage ? `; InfluxDB: ${this.outage.message}` : ''})`);
  }

  private writeMetrics(): void {
    const s = this.stats;
    const fields = Object.entries(s).map(([k, v]) => `${k}=${v}i`).join(',');
    const name = this.name.replace(/[ ,=\\]/g, '\\$&');
    this.outbox.push([`eve_bridge,bridge=${name} ${fields} ${pointTimestampNs(this.clock.now(), 0)}`]);
    this.kick?.();
  }

  private async drain(): Promise<void> {
    const size = this.o.batchSize ?? 5000;
    while (this.running || (this.outbox.count > 0 && !this.outage)) {
      const batch = this.outbox.peek(size);
      if (batch.length === 0) {
        if (!this.running) return;
        await new Promise<void>((r) => { this.kick = r; });
        this.kick = undefined;
        continue;
      }
      try {
        await this.influx.write(batch.map((r) => r.text));
        this.written(batch);
      } catch (e) {
        if (!isEveError(e)) {
          // e.g. the dead-letter file cannot be written: keep the points and try again later
          this.log(`bridge: cannot finish a batch, keeping it in the outbox: ${(e as Error).message}`);
          if (!this.running) return;
          await this.clock.sleep(this.backoff.next());
          continue;
        }
        if (e.retriable) {
          if (!this.outage) this.log(`bridge: InfluxDB unavailable, keeping points in the outbox and retrying: ${e.message}`);
          this.outage = e;
          if (!this.running) return;
          await this.clock.sleep(this.backoff.next());
          continue;
        }
        const stuck = await this.rejected(batch, e).then(() => false, (why: Error) => {
          this.log(`bridge: cannot dead-letter, keeping the batch in the outbox: ${why.message}`);
          return true;
        });
        if (stuck) {
          if (!this.running) return;
          await this.clock.sleep(this.backoff.next());
        }
      }
    }
  }

  private written(batch: QueuedRecord[]): void {
    if (this.outage) this.log(`bridge: InfluxDB back; ${this.outbox.count} points in the outbox`);
    this.outage = undefined;
    this.backoff.reset();
    this.outbox.remove(batch);
    this.counts.written += batch.length;
    this.o.onWritten?.(batch.map((r) => r.text));
    this.warnFill(false);
  }

  /** A 400 may be one bad point among good ones: written one by one, only the bad ones are dead-lettered. */
  private async rejected(batch: QueuedRecord[], e: EveError): Promise<void> {
    if (e.code !== 'INFLUX_HTTP_400' || batch.length === 1) {
      this.log(`bridge: ${batch.length} points dead-lettered: ${e.message}`);
      for (const r of batch) this.deadLetter(`${e.code}: ${e.message}`, { line: r.text });
      this.outbox.remove(batch);
      return;
    }
    for (const r of batch) {
      try {
        await this.influx.write([r.text]);
        this.written([r]);
      } catch (one) {
        if (isEveError(one) && !one.retriable) await this.rejected([r], one);
        else return; // an outage began: the rest stays in the outbox for the drain loop
      }
    }
  }

  /** Stops taking messages, writes the outbox out if InfluxDB is reachable, and disconnects. */
  async stop(): Promise<void> {
    clearInterval(this.metricsTimer);
    await this.client.endAsync();
    this.writeMetrics();
    this.running = false;
    this.kick?.();
    await this.drainDone;
    this.outbox.close();
  }
}
