/**
 * The TelemetrySink port and its implementations. A sink stamps each message with its source,
 * the source's next sequence number and the host time, validates it against the schema, and
 * delivers it: over MQTT (QoS 1, counted as published once the broker acknowledges it), to a
 * JSONL file, to memory (tests), or to several sinks at once.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { EveError } from '@eve-bench/device-agent';
import { SCHEMAS, topicFor, type BodyOf, type TelemetryKind } from './schema.js';

export interface SinkStats {
  published: number;
  failed: number;
}

export interface TelemetrySink {
  publish<K extends TelemetryKind>(kind: K, board: string, body: BodyOf<K>): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly stats: SinkStats;
}

/** Per-source sequence numbers and validation, shared by every sink. */
export class Stamper {
  private seqs = new Map<string, number>();
  readonly session: string;
  constructor(readonly bench: string, private readonly now: () => number = Date.now, session?: string) {
    this.session = session ?? `${process.pid}-${now().toString(36)}`;
  }

  stamp<K extends TelemetryKind>(kind: K, board: string, body: BodyOf<K>): { topic: string; payload: object } {
    const topic = topicFor(this.bench, board, kind);
    const source = `${this.bench}/${board}`;
    const key = `${source}/${kind}`;
    const seq = this.seqs.get(key) ?? 0;
    const payload = { ...body, source, session: this.session, seq, hostTime: this.now() };
    const r = SCHEMAS[kind].safeParse(payload);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new EveError('TELEMETRY_INVALID', `${topic}: ${i.path.join('.') || '(payload)'}: ${i.message}`);
    }
    // only a message that leaves takes a sequence number, so a gap always means a loss
    this.seqs.set(key, seq + 1);
    return { topic, payload: r.data };
  }
}

export interface MqttSinkOptions {
  url: string;
  bench: string;
  username?: string;
  password?: string;
  ca?: Buffer;
  clientId?: string;
  /** 4 = MQTT 3.1.1 (what the embedded aedes broker speaks), 5 = MQTT 5. */
  protocolVersion?: 4 | 5;
  now?: () => number;
  /** Names this publisher's run (default: pid and start time); sequence numbers are per session. */
  session?: string;
}

export class MqttTelemetrySink implements TelemetrySink {
  readonly stats: SinkStats = { published: 0, failed: 0 };
  private inFlight = new Set<Promise<void>>();

  private constructor(private readonly client: MqttClient, private readonly stamper: Stamper) {}

  /** Connects with a retained last will: if this process dies, the bench host shows 'offline'. */
  static async connect(o: MqttSinkOptions): Promise<MqttTelemetrySink> {
    const stamper = new Stamper(o.bench, o.now, o.session);
    const will = stamper.stamp('status', 'host', { state: 'offline', deviceTimeUs: null, detail: 'connection lost' });
    const client = await mqtt.connectAsync(o.url, {
      protocolVersion: o.protocolVersion ?? 5,
      // the session makes two sinks of one process distinct: a shared client id would make the broker drop one
      clientId: o.clientId ?? `eve-${o.bench}-${stamper.session}`,
      username: o.username,
      password: o.password,
      ca: o.ca,
      connectTimeout: 5000,
      reconnectPeriod: 1000,
      will: { topic: will.topic, payload: Buffer.from(JSON.stringify(will.payload)), qos: 1, retain: true },
    }, false).catch((e: Error) => { throw new EveError('MQTT_CONNECT', `cannot connect to MQTT broker ${o.url}: ${e.message}`, { retriable: true, cause: e }); });
    return new MqttTelemetrySink(client, stamper);
  }

  async publish<K extends TelemetryKind>(kind: K, board: string, body: BodyOf<K>): Promise<void> {
    const { topic, payload } = this.stamper.stamp(kind, board, body);
    const p = this.client
      .publishAsync(topic, JSON.stringify(payload), { qos: 1, retain: kind === 'status' })
      .then(() => { this.stats.published++; }, (e: Error) => { this.stats.failed++; throw new EveError('MQTT_PUBLISH', `${topic}: ${e.message}`, { retriable: true, cause: e }); })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.client.endAsync();
  }
}

/** Appends one JSON line per message: {topic, payload}. */
export class FileTelemetrySink implements TelemetrySink {
  readonly stats: SinkStats = { published: 0, failed: 0 };
  private stream: WriteStream;
  private stamper: Stamper;
  private failure: Error | undefined;

  constructor(private readonly path: string, bench: string, now?: () => number) {
    this.stream = createWriteStream(path, { flags: 'a' });
    // without a listener a stream error (a missing directory, a full disk) would kill the process;
    // kept here, it fails the next publish instead
    this.stream.on('error', (e) => { this.failure ??= e; });
    this.stamper = new Stamper(bench, now);
  }

  private error(e: Error): EveError {
    return new EveError('TELEMETRY_FILE', `${this.path}: ${e.message}`, { cause: e });
  }

  async publish<K extends TelemetryKind>(kind: K, board: string, body: BodyOf<K>): Promise<void> {
    const m = this.stamper.stamp(kind, board, body);
    if (this.failure) { this.stats.failed++; throw this.error(this.failure); }
    await new Promise<void>((resolve, reject) => this.stream.write(JSON.stringify(m) + '\n', (e) => (e ? reject(this.error(e)) : resolve())))
      .catch((e: unknown) => { this.stats.failed++; throw e; });
    this.stats.published++;
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.error(this.failure);
  }

  close(): Promise<void> {
    if (this.stream.destroyed) return this.failure ? Promise.reject(this.error(this.failure)) : Promise.resolve();
    return new Promise((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(this.error(e)) : resolve())));
  }
}

export class MemoryTelemetrySink implements TelemetrySink {
  readonly stats: SinkStats = { published: 0, failed: 0 };
  readonly messages: Array<{ topic: string; payload: object }> = [];
  private stamper: Stamper;
  constructor(bench: string, now?: () => number) {
    this.stamper = new Stamper(bench, now);
  }
  async publish<K extends TelemetryKind>(kind: K, board: string, body: BodyOf<K>): Promise<void> {
    this.messages.push(this.stamper.stamp(kind, board, body));
    this.stats.published++;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Fans every message out to several sinks; its stats are those of the first (primary) sink. */
export class TeeSink implements TelemetrySink {
  constructor(private readonly sinks: TelemetrySink[]) {
    if (sinks.length === 0) throw new EveError('TELEMETRY_NO_SINK', 'a tee needs at least one sink');
  }
  get stats(): SinkStats {
    return this.sinks[0]!.stats;
  }
  async publish<K extends TelemetryKind>(kind: K, board: string, body: BodyOf<K>): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.publish(kind, board, body)));
  }
  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.flush()));
  }
  async close(): Promise<void> {
    for (const s of this.sinks) await s.close();
  }
}
