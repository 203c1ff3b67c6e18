/**
 * A FIFO of text records in SQLite that outlives the process: the publisher's spool and the
 * bridge's outbox. A record is removed only once its consumer says it was delivered, so a crash
 * between push and delivery replays it (duplicates are harmless downstream: same series and
 * timestamp overwrite in InfluxDB).
 *
 * Durability: WAL with `synchronous = NORMAL`. A committed push is in the WAL file before push()
 * returns, so it survives a SIGKILL of this process; an OS crash or power cut can lose the last
 * commits. `synchronous = FULL` (fsync per commit) measured 241 commits/s on the bench host
 * against 41,000 with NORMAL, far below the 1,000 messages/s a bench produces; pass
 * `fsync: true` where power loss matters more than rate.
 */
import Database from 'better-sqlite3';
import { EveError } from '@eve-bench/device-agent';

export interface QueuedRecord {
  id: number;
  text: string;
}

export class DurableQueue {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly oldest: Database.Statement;
  private readonly remove1: Database.Statement;
  private readonly removeRange: Database.Statement;
  private bytesNow: number;
  private countNow: number;

  constructor(readonly path: string, o: { fsync?: boolean } = {}) {
    try {
      this.db = new Database(path);
      // one process owns a queue: exclusive locking skips the shared-memory locks of every commit
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${o.fsync ? 'FULL' : 'NORMAL'}`);
      this.db.exec('CREATE TABLE IF NOT EXISTS queue (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)');
    } catch (e) {
      throw new EveError('QUEUE_OPEN', `cannot open durable queue ${path}: ${(e as Error).message}`, { cause: e });
    }
    this.insert = this.db.prepare('INSERT INTO queue (text) VALUES (?)');
    this.oldest = this.db.prepare('SELECT id, text FROM queue ORDER BY id LIMIT ?');
    this.remove1 = this.db.prepare('DELETE FROM queue WHERE id = ?');
    this.removeRange = this.db.prepare('DELETE FROM queue WHERE id BETWEEN ? AND ?');
    const s = this.db.prepare('SELECT count(*) AS n, coalesce(sum(length(text)), 0) AS b FROM queue').get() as { n: number; b: number };
    this.countNow = s.n;
    this.bytesNow = s.b;
  }

  /** Appends records in one transaction; returns their ids in order. */
  push(texts: readonly string[]): number[] {
    const ids: number[] = [];
    try {
      // a single record commits on its own; a transaction around it would add two statements
      if (texts.length === 1) ids.push(Number(this.insert.run(texts[0]).lastInsertRowid));
      else this.db.transaction(() => {
        for (const t of texts) ids.push(Number(this.insert.run(t).lastInsertRowid));
      })();
    } catch (e) {
      throw new EveError('QUEUE_WRITE', `cannot append to durable queue ${this.path}: ${(e as Error).message}`, { retriable: true, cause: e });
    }
    this.countNow += texts.length;
    for (const t of texts) this.bytesNow += t.length;
    return ids;
  }

  peek(limit: number): QueuedRecord[] {
    return this.oldest.all(limit) as QueuedRecord[];
  }

  /** Removes delivered records; a run of consecutive ids (a peeked batch) is one range delete. */
  remove(records: readonly QueuedRecord[]): void {
    if (records.length === 0) return;
    let removed = 0;
    const first = records[0]!.id;
    const last = records[records.length - 1]!.id;
    const consecutive = last - first === records.length - 1 && records.every((r, i) => r.id === first + i);
    this.db.transaction(() => {
      if (consecutive) removed = this.removeRange.run(first, last).changes;
      else for (const r of records) removed += this.remove1.run(r.id).changes;
    })();
    this.countNow -= removed;
    // a record removed twice (an ack after a replay) is counted once, by its length only when it was there
    if (removed === records.length) for (const r of records) this.bytesNow -= r.text.length;
    else this.recount();
  }

  private recount(): void {
    const s = this.db.prepare('SELECT count(*) AS n, coalesce(sum(length(text)), 0) AS b FROM queue').get() as { n: number; b: number };
    this.countNow = s.n;
    this.bytesNow = s.b;
  }

  get count(): number {
    return this.countNow;
  }

  /** Characters of queued text: what bounds the queue on disk. */
  get bytes(): number {
    return this.bytesNow;
  }

  close(): void {
    this.db.close();
  }
}
