/**
 * A FIFO of text records in SQLite that outlives the process: the publisher's spool and the
 * bridge's outbox. A record is removed only once its consumer says it was delivered, so a crash
 * between push and delivery replays it (duplicates are harmless downstream: same series and
 * timestamp overwrite in InfluxDB).
 *
 * A record holds one item (a spooled message) or a group of items (the bridge's lines of line
 * protocol, newline-separated, one record per acknowledged group): one row and one commit for a
 * group costs about what one item would, where a row per line measured ~3 µs a line to insert and
 * as much again to read and delete. `count` is items, not records.
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
  /** Items in the record (lines of a group; 1 for a single item). */
  items: number;
}

/**
 * A record read as its UTF-8 bytes: the outbox's groups go to InfluxDB as they are, and a buffer
 * lives outside the JavaScript heap, where a megabyte of strings per batch kept the young-generation
 * collector copying them while the write was in flight.
 */
export interface QueuedBytes {
  id: number;
  body: Buffer;
  items: number;
  /** The record's length in characters (what `bytes` counts). */
  chars: number;
}

/** How long a shared queue's connection waits for the other one's write (a commit or delete takes ~1 ms). */
const BUSY_TIMEOUT_MS = 10_000;

/** What removing a record needs: its id, and its items and characters for the counts. */
export interface RecordRef {
  id: number;
  items: number;
  chars: number;
}

export class DurableQueue {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly pushMany: (texts: readonly string[]) => number[];
  private readonly oldest: Database.Statement;
  private readonly oldestGroups: Database.Statement;
  private readonly remove1: Database.Statement;
  private readonly removeRange: Database.Statement;
  private bytesNow: number;
  private countNow: number;
  private readonly owner: Database.Database | undefined;

  /**
   * `pageSize` (bytes, a power of two from 512 to 65,536) applies when the file is created. Large
   * pages suit large records (the outbox's groups: a 64 KiB page took a quarter of the writes and a
   * fiftieth of the reads of 4 KiB pages for the same lines); small ones suit a commit per small
   * record (the spool), since each commit writes whole pages.
   */
  /**
   * `shared`: the queue is open in two connections (the bridge's outbox: its thread writes, the
   * InfluxDB writer thread reads). The `writer` also holds `<path>.owner` exclusively, so a second
   * process on the same queue fails with QUEUE_IN_USE, as the exclusive lock of an unshared queue
   * makes it fail.
   */
  constructor(readonly path: string, o: { fsync?: boolean; pageSize?: number; shared?: 'writer' | 'reader'; autoCheckpoint?: boolean } = {}) {
    if (o.pageSize !== undefined && !(Number.isInteger(Math.log2(o.pageSize)) && o.pageSize >= 512 && o.pageSize <= 65536)) {
      throw new EveError('QUEUE_PAGE_SIZE', `page size ${o.pageSize} is not a power of two from 512 to 65536`);
    }
    if (o.shared === 'writer') this.owner = DurableQueue.own(path);
    try {
      this.db = new Database(path);
      if (o.pageSize !== undefined) this.db.pragma(`page_size = ${o.pageSize}`);
      // one connection owns a queue: exclusive locking skips the shared-memory locks of every commit;
      // a shared one (the bridge's outbox: written by one thread, read by another) waits for a lock instead
      if (o.shared) this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      else this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${o.fsync ? 'FULL' : 'NORMAL'}`);
      // off where another connection checkpoints (the outbox's writer thread): a commit that crosses
      // the WAL's threshold copies it into the database file, ~60 % of the commits' time otherwise
      if (o.autoCheckpoint === false) this.db.pragma('wal_autocheckpoint = 0');
      this.db.exec('CREATE TABLE IF NOT EXISTS queue (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL, items INTEGER NOT NULL DEFAULT 1)');
      // a queue written before records held groups: each of its records is one item
      const columns = this.db.prepare('SELECT name FROM pragma_table_info(\'queue\')').pluck().all() as string[];
      if (!columns.includes('items')) this.db.exec('ALTER TABLE queue ADD COLUMN items INTEGER NOT NULL DEFAULT 1');
    } catch (e) {
      this.owner?.close();
      throw new EveError('QUEUE_OPEN', `cannot open durable queue ${path}: ${(e as Error).message}`, { cause: e });
    }
    this.insert = this.db.prepare('INSERT INTO queue (text, items) VALUES (?, ?)');
    this.pushMany = this.db.transaction((texts: readonly string[]) => texts.map((t) => Number(this.insert.run(t, 1).lastInsertRowid)));
    this.oldest = this.db.prepare('SELECT id, text, items FROM queue ORDER BY id LIMIT ?');
    this.oldestGroups = this.db.prepare('SELECT id, CAST(text AS BLOB) AS body, items, length(text) AS chars FROM queue WHERE id > ? ORDER BY id');
    this.remove1 = this.db.prepare('DELETE FROM queue WHERE id = ?');
    this.removeRange = this.db.prepare('DELETE FROM queue WHERE id BETWEEN ? AND ?');
    this.countNow = 0;
    this.bytesNow = 0;
    // a reader keeps no counts: the sum reads every record, a gigabyte for a full outbox
    if (o.shared !== 'reader') this.recount();
  }

  /** Appends one record per text (one item each) in one transaction; returns their ids in order. */
  push(texts: readonly string[]): number[] {
    let ids: number[];
    try {
      // a single record commits on its own; a transaction around it would add two statements
      ids = texts.length === 1 ? [Number(this.insert.run(texts[0], 1).lastInsertRowid)] : this.pushMany(texts);
    } catch (e) {
      throw this.writeError(e);
    }
    this.countNow += texts.length;
    for (const t of texts) this.bytesNow += t.length;
    return ids;
  }

  /** Appends a group of lines as one record (one row, one commit); returns its id. */
  pushGroup(lines: readonly string[]): number {
    const text = lines.join('\n');
    let id: number;
    try {
      id = Number(this.insert.run(text, lines.length).lastInsertRowid);
    } catch (e) {
      throw this.writeError(e);
    }
    this.countNow += lines.length;
    this.bytesNow += text.length;
    return id;
  }

  private writeError(e: unknown): EveError {
    return new EveError('QUEUE_WRITE', `cannot append to durable queue ${this.path}: ${(e as Error).message}`, { retriable: true, cause: e });
  }

  /** The oldest `limit` records. */
  peek(limit: number): QueuedRecord[] {
    return this.oldest.all(limit) as QueuedRecord[];
  }

  /**
   * The oldest records holding about `items` items, as bytes: whole records, at least one. Only
   * records after id `after` (those before it are being delivered already).
   */
  peekItems(items: number, after = 0): QueuedBytes[] {
    const out: QueuedBytes[] = [];
    let n = 0;
    for (const r of this.oldestGroups.iterate(after) as IterableIterator<QueuedBytes>) {
      if (out.length > 0 && n + r.items > items) break;
      out.push(r);
      n += r.items;
    }
    return out;
  }

  /** Removes delivered records; a run of consecutive ids (a peeked batch) is one range delete. */
  remove(records: readonly (QueuedRecord | RecordRef)[]): void {
    if (records.length === 0) return;
    let removed = 0;
    let items = 0;
    const first = records[0]!.id;
    const last = records[records.length - 1]!.id;
    const consecutive = last - first === records.length - 1 && records.every((r, i) => r.id === first + i);
    this.db.transaction(() => {
      if (consecutive) removed = this.removeRange.run(first, last).changes;
      else for (const r of records) removed += this.remove1.run(r.id).changes;
    })();
    // a record removed twice (an ack after a replay) is counted once: recount when one was missing
    if (removed !== records.length) return this.recount();
    for (const r of records) {
      items += r.items;
      this.bytesNow -= 'chars' in r ? r.chars : r.text.length;
    }
    this.countNow -= items;
  }

  /** Copies the WAL into the database file as far as readers allow, without blocking writers. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  private recount(): void {
    const s = this.db.prepare('SELECT coalesce(sum(items), 0) AS n, coalesce(sum(length(text)), 0) AS b FROM queue').get() as { n: number; b: number };
    this.countNow = s.n;
    this.bytesNow = s.b;
  }

  /** Items queued (a group record counts its lines); 0 on a shared queue's reader, which does not count. */
  get count(): number {
    return this.countNow;
  }

  /** Characters of queued text: what bounds the queue on disk. */
  get bytes(): number {
    return this.bytesNow;
  }

  /** The page size of the file (fixed when it was created). */
  get pageSize(): number {
    return this.db.pragma('page_size', { simple: true }) as number;
  }

  close(): void {
    this.db.close();
    this.owner?.close();
  }

  /** Holds `<path>.owner` exclusively (a write in exclusive locking mode keeps the lock until close). */
  private static own(path: string): Database.Database {
    let owner: Database.Database | undefined;
    try {
      owner = new Database(`${path}.owner`, { timeout: 0 });
      owner.pragma('locking_mode = EXCLUSIVE');
      owner.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER)');
      owner.prepare('INSERT INTO owner (pid) VALUES (?)').run(process.pid);
      return owner;
    } catch (e) {
      owner?.close();
      const busy = (e as { code?: string }).code === 'SQLITE_BUSY';
      throw new EveError(busy ? 'QUEUE_IN_USE' : 'QUEUE_OPEN', busy
        ? `durable queue ${path} is in use by another process (it holds ${path}.owner)`
        : `cannot open durable queue ${path}: ${(e as Error).message}`, { cause: e });
    }
  }
}
