/**
 * The MQTT -> InfluxDB bridge. A message is validated, turned into a line of line protocol and put
 * in the durable outbox *before* it is acknowledged to the broker (PUBACK), so anything the broker
 * handed over is either in the outbox or will be redelivered. Messages are committed and
 * acknowledged in groups (group-ack.ts): one outbox record and one commit per group. A worker
 * thread (drain-worker.ts, outbox-drain.ts) writes the outbox to InfluxDB in batches, two in flight,
 * and this thread removes what was written (one range delete per batch), so it only receives,
 * validates, commits, acknowledges and deletes;
 * retriable failures wait with jittered backoff (on this thread's clock) for as long as the outage
 * lasts; rejected points go to the dead-letter file with the reason.
 * When the outbox reaches its bound the bridge stops acknowledging, so the broker's persistent
 * session holds the rest (MQTT 5 receive-maximum bounds what is in flight meanwhile).
 */
import { appendFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { EveError } from '@eve-bench/device-agent';
import { DurableQueue } from '../durable-queue.js';
import { toLineProtocol, pointTimestampNs } from '../line-protocol.js';
import { SCHEMAS, TOPIC_ROOT } from '../schema.js';
import { Backoff } from './backoff.js';
import { isTelemetryPayload } from './fast-check.js';
import { GroupAck } from './group-ack.js';
import { TopicCache } from './topic-cache.js';
import { DrainWorker } from './drain-worker.js';
import { InfluxV1Writer, type InfluxV1Options } from './influx-v1-writer.js';
import type { DrainHost } from './outbox-drain.js';
import { SeqGapCounter } from './seq-gaps.js';
import { telemetryLine } from './telemetry-line.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface BridgeMqttOptions { url: string; username?: string; password?: string; ca?: Buffer; protocolVersion?: 4 | 5; clientId?: string }

/** The MQTT.js options the bridge connects with (the benchmark's ceiling subscriber uses them too). */
export function bridgeClientOptions(m: BridgeMqttOptions, name = 'bridge'): IClientOptions {
  const v5 = (m.protocolVersion ?? 5) === 5;
  return {
    protocolVersion: m.protocolVersion ?? 5,
    clientId: m.clientId ?? `eve-bridge-${name}`,
    clean: false,
    ...(v5 ? { properties: { sessionExpiryInterval: 7 * 86_400, receiveMaximum: RECEIVE_MAXIMUM } } : {}),
    username: m.username,
    password: m.password,
    ca: m.ca,
    connectTimeout: 5000,
    reconnectPeriod: 500,
    // MQTT.js traces every packet through `debug` (some twenty calls each) unless given a logger
    log: () => {},
  };
}

/** QoS 1 messages in flight to the bridge at most (MQTT 5 receive maximum; also its own bound). */
const RECEIVE_MAXIMUM = 1000;

export interface BridgeOptions {
  mqtt: BridgeMqttOptions;
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
  /**
   * Hears each batch InfluxDB accepted (benchmarks measure with it): its texts, each one or more
   * newline-separated lines (an outbox record), and how many points they hold.
   */
  onWritten?: (texts: readonly string[], points: number) => void;
  /** InfluxDB writes in flight at once (default 2). */
  inFlight?: number;
  /** The InfluxDB writer thread's script (tests substitute one that crashes). */
  drainThread?: URL;
  /** Messages per acknowledged group at most (default 500). */
  maxGroup?: number;
  /** Observes each group before its commit and before its PUBACKs (tests crash the bridge there). */
  onGroupStage?: (stage: 'closed' | 'committed', size: number) => void;
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
  private readonly topics = new TopicCache();
  private readonly groups: GroupAck<string>;
  private readonly backoff: Backoff;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly maxBytes: number;
  private readonly name: string;
  private drainer: DrainWorker | undefined;
  private running = true;
  /** False once stop() began: a group waiting for outbox room gives up (it stays with the broker). */
  private accepting = true;
  private warned = 0;
  private outage: EveError | undefined;
  private giveUp: (e: EveError) => void = () => {};
  /** Settles only if the bridge gave up (its InfluxDB writer kept crashing), with the reason. */
  readonly failure = new Promise<EveError>((r) => { this.giveUp = r; });
  private metricsTimer: NodeJS.Timeout | undefined;
  private client: MqttClient | undefined;

  private constructor(private readonly o: BridgeOptions, private readonly outbox: DurableQueue) {
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? ((l) => process.stderr.write(`${l}\n`));
    this.backoff = new Backoff({ random: o.random });
    this.maxBytes = o.maxOutboxBytes ?? 1024 ** 3;
    this.name = o.name ?? 'bridge';
    this.groups = new GroupAck<string>({
      accept: (topic, payload) => this.toLine(topic, payload),
      commit: (lines) => this.store(lines),
      maxGroup: o.maxGroup,
      maxPending: RECEIVE_MAXIMUM,
      onStage: o.onGroupStage,
      log: this.log,
    });
  }

  static async start(o: BridgeOptions): Promise<TelemetryBridge> {
    InfluxV1Writer.endpoint(o.influx); // a bad URL fails here, not in the writer thread
    // large pages: the outbox's records are groups of lines, tens of kilobytes each; shared: the
    // InfluxDB writer thread reads through its own connection, and checkpoints the WAL
    const bridge = new TelemetryBridge(o, new DurableQueue(o.outboxPath, { pageSize: 65536, shared: 'writer', autoCheckpoint: false }));
    if (bridge.outbox.count > 0) bridge.log(`bridge: ${bridge.outbox.count} points left in the outbox by an earlier run; writing them first`);
    try {
      bridge.drainer = new DrainWorker({
        outboxPath: o.outboxPath, influx: o.influx, batchSize: o.batchSize ?? 5000, inFlight: o.inFlight ?? 2, withTexts: o.onWritten !== undefined,
        host: bridge.drainHost(),
        restartDelay: () => bridge.clock.sleep(bridge.backoff.next()),
        onFatal: (e) => bridge.fail(e),
        script: o.drainThread,
      });
    } catch (e) {
      bridge.outbox.close();
      throw e;
    }
    const client = mqtt.connect(o.mqtt.url, bridgeClientOptions(o.mqtt, bridge.name));
    bridge.client = client;
    // set before CONNECT, as a persistent session redelivers at once
    try {
      bridge.groups.attach(client);
    } catch (e) {
      await bridge.abort();
      throw e;
    }
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    }).catch(async (e: Error) => {
      await bridge.abort();
      throw new EveError('MQTT_CONNECT', `bridge cannot connect to ${o.mqtt.url}: ${e.message}`, { retriable: true, cause: e });
    });
    client.on('error', (e) => bridge.log(`bridge: MQTT: ${e.message}`));
    await client.subscribeAsync(`${TOPIC_ROOT}/#`, { qos: 1 });
    const every = o.metricsIntervalMs ?? 10_000;
    if (every > 0) bridge.metricsTimer = setInterval(() => bridge.writeMetrics(), every);
    return bridge;
  }

  get stats(): BridgeStats {
    return { ...this.counts, seqGaps: this.gaps.gaps, outboxDepth: this.outbox.count };
  }

  /**
   * Makes a group of lines durable as one outbox record. While the outbox is full it waits (the
   * group stays unacknowledged, so the broker keeps the rest); a group larger than the room left is
   * committed in parts, so one never waits for more room than the bound allows.
   */
  private store(lines: string[]): void | Promise<void> {
    let bytes = 0;
    for (const l of lines) bytes += l.length + 1;
    if (this.outbox.bytes + bytes <= this.maxBytes) return this.commit(lines);
    return this.storeWhenRoom(lines);
  }

  private async storeWhenRoom(lines: string[]): Promise<void> {
    let rest = lines;
    while (rest.length > 0) {
      let room = this.maxBytes - this.outbox.bytes;
      let n = 0;
      while (n < rest.length && room >= rest[n]!.length + 1) room -= rest[n++]!.length + 1;
      // one line never fits an empty outbox only when the bound is smaller than a line: take it anyway
      if (n === 0 && this.outbox.count === 0) n = 1;
      if (n > 0) {
        this.commit(rest.slice(0, n));
        rest = rest.slice(n);
        continue;
      }
      if (!this.accepting) throw new EveError('BRIDGE_STOPPED', 'bridge stopping with a full outbox');
      this.warnFill(true);
      await this.clock.sleep(200);
    }
  }

  private commit(lines: string[]): void {
    this.outbox.pushGroup(lines);
    this.warnFill(false);
    this.drainer?.kick();
  }

  /** The message's line, or undefined after counting and dead-lettering an invalid one. */
  private toLine(topic: string, message: Buffer): string | undefined {
    this.counts.received++;
    const t = this.topics.parse(topic);
    if (!t) return this.reject(`not an EVE topic`, topic, message.toString('utf8'));
    let json: unknown;
    try {
      json = JSON.parse(message.toString('utf8'));
    } catch {
      return this.reject('payload is not JSON', topic, message.toString('utf8'));
    }
    // the hot path: valid telemetry, checked by hand and written field by field (both held to zod and
    // toLineProtocol by parity tests); zod decides everything else and words the reason
    if (t.kind === 'telemetry' && isTelemetryPayload(json)) {
      this.gaps.observe(json.source, json.session, 'telemetry', json.seq);
      return telemetryLine(t.telemetryHead, json);
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
    this.drainer?.kick();
  }

  /** What the InfluxDB writer thread asks of the bridge: counters, the dead-letter file, the backoff. */
  private drainHost(): DrainHost {
    return {
      written: (points, texts) => {
        if (this.outage) this.log(`bridge: InfluxDB back; ${this.outbox.count} points in the outbox`);
        this.outage = undefined;
        this.backoff.reset();
        this.counts.written += points;
        if (texts) this.o.onWritten?.(texts, points);
      },
      remove: (records) => {
        try {
          this.outbox.remove(records);
        } catch (e) {
          // written, so nothing is lost: they are written again by the next run (and overwrite themselves)
          this.log(`bridge: cannot remove ${records.length} written records from the outbox: ${(e as Error).message}`);
        }
        this.warnFill(false);
      },
      deadLetter: async (reason, lines) => {
        for (const line of lines) this.deadLetter(reason, { line });
      },
      retryLater: async (outage) => {
        if (outage) {
          if (!this.outage) this.log(`bridge: InfluxDB unavailable, keeping points in the outbox and retrying: ${outage.message}`);
          this.outage = outage;
        }
        if (!this.running) return false;
        await this.clock.sleep(this.backoff.next());
        return this.running || !this.outage;
      },
      log: (line) => this.log(line),
    };
  }

  /** The InfluxDB writer cannot be kept running: stop as a crash would, and say so. */
  private fail(e: EveError): void {
    this.log(`bridge: FATAL ${e.code}: ${e.message}`);
    void this.abort()
      .catch((why: Error) => this.log(`bridge: stopping after the writer thread failed: ${why.message}`))
      .finally(() => this.giveUp(e));
  }

  /** Stops taking messages, writes the outbox out if InfluxDB is reachable, and disconnects. */
  async stop(): Promise<void> {
    if (!this.running) return; // aborted, or given up
    clearInterval(this.metricsTimer);
    // what was received is committed and acknowledged before the clean disconnect
    this.accepting = false;
    await this.groups.settle();
    this.groups.stop();
    await this.client?.endAsync();
    this.writeMetrics();
    this.running = false;
    await this.drainer?.stop();
    this.outbox.close();
  }

  /**
   * Stops as a crash would: the connection is dropped without acknowledging what is not yet, and
   * the outbox is closed as it is (its records are written by the next run).
   */
  async abort(): Promise<void> {
    if (!this.running) return;
    clearInterval(this.metricsTimer);
    this.accepting = false;
    this.groups.stop();
    this.client?.end(true);
    this.running = false;
    await this.drainer?.terminate();
    this.outbox.close();
  }
}
