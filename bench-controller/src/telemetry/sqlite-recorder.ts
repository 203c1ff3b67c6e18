/**
 * Subscribes to every EVE topic on a broker and records each valid message in SQLite, once:
 * (source, session, kind, seq) is unique, so a QoS-1 redelivery is counted as a duplicate, not stored
 * twice. Invalid messages are counted and reported through `onInvalid`, never thrown.
 */
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { EveError } from '@eve-bench/device-agent';
import { SCHEMAS, TOPIC_ROOT, parseTopic } from './schema.js';

export interface RecorderStats {
  stored: number;
  duplicates: number;
  invalid: number;
  /** Valid messages the database refused to store. */
  failed: number;
}

export class SqliteRecorder {
  readonly stats: RecorderStats = { stored: 0, duplicates: 0, invalid: 0, failed: 0 };
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  private constructor(private readonly client: MqttClient, private readonly db: Database.Database, private readonly onInvalid: (why: string) => void) {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS telemetry (
      id INTEGER PRIMARY KEY, topic TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, session TEXT NOT NULL, seq INTEGER NOT NULL,
      device_time_us REAL, host_time INTEGER NOT NULL, payload TEXT NOT NULL, UNIQUE (source, session, kind, seq))`);
    const insert = db.prepare('INSERT OR IGNORE INTO telemetry (topic, kind, source, session, seq, device_time_us, host_time, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    client.on('message', (topic, buf) => {
      const t = parseTopic(topic);
      if (!t) return this.invalid(`${topic}: not an EVE topic`);
      let json: unknown;
      try {
        json = JSON.parse(buf.toString('utf8'));
      } catch {
        return this.invalid(`${topic}: payload is not JSON`);
      }
      const r = SCHEMAS[t.kind].safeParse(json);
      if (!r.success) return this.invalid(`${topic}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`);
      const p = r.data;
      let changes: number;
      try {
        changes = insert.run(topic, t.kind, p.source, p.session, p.seq, p.deviceTimeUs, p.hostTime, JSON.stringify(p)).changes;
      } catch (e) {
        // thrown from an MQTT event handler it would kill the process; counted and reported instead
        this.stats.failed++;
        return this.onInvalid(`${topic}: not stored: ${(e as Error).message}`);
      }
      if (changes === 1) this.stats.stored++;
      else this.stats.duplicates++;
      this.waiters = this.waiters.filter((w) => (this.stats.stored >= w.n ? (w.resolve(), false) : true));
    });
  }

  /** `onInvalid` hears about every message counted as invalid or failed (default: nobody; see `stats`). */
  static async start(o: { url: string; dbPath: string; username?: string; password?: string; protocolVersion?: 4 | 5; clientId?: string; onInvalid?: (why: string) => void }): Promise<SqliteRecorder> {
    // without a clientId mqtt.js makes a random one, so two recorders never take each other's session
    const client = await mqtt.connectAsync(o.url, { protocolVersion: o.protocolVersion ?? 5, username: o.username, password: o.password, connectTimeout: 5000, ...(o.clientId ? { clientId: o.clientId } : {}) }, false)
      .catch((e: Error) => { throw new EveError('MQTT_CONNECT', `recorder cannot connect to ${o.url}: ${e.message}`, { retriable: true, cause: e }); });
    let db: Database.Database | undefined;
    try {
      db = new Database(o.dbPath);
      const rec = new SqliteRecorder(client, db, o.onInvalid ?? (() => undefined));
      await client.subscribeAsync(`${TOPIC_ROOT}/#`, { qos: 1 });
      return rec;
    } catch (e) {
      db?.close();
      await client.endAsync(true);
      throw new EveError('RECORDER_START', `recorder on ${o.dbPath}: ${(e as Error).message}`, { cause: e });
    }
  }

  private invalid(why: string): void {
    this.stats.invalid++;
    this.onInvalid(why);
  }

  /** Resolves once `n` messages are stored; rejects after `timeoutMs`. */
  waitForCount(n: number, timeoutMs: number): Promise<void> {
    if (this.stats.stored >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new EveError('TELEMETRY_STALLED', `stored ${this.stats.stored} of ${n} messages within ${timeoutMs} ms`, { retriable: true }));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); resolve(); };
      this.waiters.push({ n, resolve: done });
    });
  }

  count(kind?: string): number {
    const row = kind
      ? (this.db.prepare('SELECT COUNT(*) AS n FROM telemetry WHERE kind = ?').get(kind) as { n: number })
      : (this.db.prepare('SELECT COUNT(*) AS n FROM telemetry').get() as { n: number });
    return row.n;
  }

  async close(): Promise<void> {
    await this.client.endAsync();
    this.db.close();
  }
}
