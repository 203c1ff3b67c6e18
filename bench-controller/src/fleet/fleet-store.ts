/**
 * The fleet's durable state in SQLite (better-sqlite3), shared by every `eve` process on the host:
 * leases (who drives which board, until when) and health (consecutive failures, quarantine).
 * Each change is one SQL statement or one IMMEDIATE transaction, so two processes racing for a
 * board cannot both win; a busy timeout makes the loser wait for the lock instead of failing.
 * Time comes from an injected clock (ms since epoch), so expiry is tested without waiting.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { EveError } from '@eve-bench/device-agent';

export interface Lease {
  board: string;
  holder: string;
  /** Proof of holding: renew and release need it, so one user cannot end another's lease. */
  token: string;
  acquiredAt: number;
  expiresAt: number;
}

export interface BoardHealth {
  board: string;
  consecutiveFailures: number;
  quarantined: boolean;
  reason?: string;
  lastCheckAt?: number;
  lastOkAt?: number;
}

export interface FleetStoreOptions {
  now?: () => number;
  /** Lease tokens; injectable for reproducible tests. */
  token?: () => string;
}

type Row = Record<string, unknown>;

export class FleetStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly token: () => string;

  constructor(readonly path: string, o: FleetStoreOptions = {}) {
    this.now = o.now ?? Date.now;
    this.token = o.token ?? (() => randomBytes(12).toString('hex'));
    try {
      this.db = new Database(path);
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS fleet_leases (board TEXT PRIMARY KEY, holder TEXT NOT NULL, token TEXT NOT NULL,
          acquired_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS fleet_health (board TEXT PRIMARY KEY, consecutive_failures INTEGER NOT NULL DEFAULT 0,
          quarantined INTEGER NOT NULL DEFAULT 0, reason TEXT, last_check_at INTEGER, last_ok_at INTEGER);
      `);
    } catch (e) {
      throw new EveError('STORE_OPEN', `cannot open fleet store ${path}: ${(e as Error).message}`, { cause: e });
    }
  }

  close(): void {
    this.db.close();
  }

  /** Takes the board for `ttlMs` unless someone else holds an unexpired lease or it is quarantined. */
  acquire(board: string, holder: string, ttlMs: number): Lease {
    checkTtl(ttlMs);
    const now = this.now();
    const lease: Lease = { board, holder, token: this.token(), acquiredAt: now, expiresAt: now + ttlMs };
    const take = this.db.transaction(() => {
      if (this.health(board).quarantined) {
        throw new EveError('BOARD_QUARANTINED', `board ${board} is quarantined (${this.health(board).reason ?? 'no reason'}); release it with 'eve bench release --quarantine ${board}'`);
      }
      const r = this.db.prepare(`INSERT INTO fleet_leases (board, holder, token, acquired_at, expires_at) VALUES (@board, @holder, @token, @acquiredAt, @expiresAt)
        ON CONFLICT(board) DO UPDATE SET holder = excluded.holder, token = excluded.token, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
        WHERE fleet_leases.expires_at <= @now`).run({ ...lease, now });
      if (r.changes === 0) {
        const held = this.lease(board)!;
        throw new EveError('LEASE_HELD', `board ${board} is leased by ${held.holder} until ${new Date(held.expiresAt).toISOString()}`, { retriable: true });
      }
    });
    take.immediate();
    return lease;
  }

  renew(board: string, token: string, ttlMs: number): Lease {
    checkTtl(ttlMs);
    const now = this.now();
    const r = this.db.prepare('UPDATE fleet_leases SET expires_at = ? WHERE board = ? AND token = ? AND expires_at > ?').run(now + ttlMs, board, token, now);
    if (r.changes === 0) throw new EveError('LEASE_NOT_HELD', `board ${board}: no live lease with this token (expired, released or never taken)`);
    return this.lease(board)!;
  }

  release(board: string, token: string): void {
    const r = this.db.prepare('DELETE FROM fleet_leases WHERE board = ? AND token = ?').run(board, token);
    if (r.changes === 0) throw new EveError('LEASE_NOT_HELD', `board ${board}: no lease with this token`);
  }

  /** The live lease on a board, if any (an expired one is as good as none). */
  lease(board: string): Lease | undefined {
    const r = this.db.prepare('SELECT * FROM fleet_leases WHERE board = ? AND expires_at > ?').get(board, this.now()) as Row | undefined;
    return r && toLease(r);
  }

  health(board: string): BoardHealth {
    const r = this.db.prepare('SELECT * FROM fleet_health WHERE board = ?').get(board) as Row | undefined;
    if (!r) return { board, consecutiveFailures: 0, quarantined: false };
    return {
      board,
      consecutiveFailures: r.consecutive_failures as number,
      quarantined: r.quarantined === 1,
      ...(r.reason != null ? { reason: r.reason as string } : {}),
      ...(r.last_check_at != null ? { lastCheckAt: r.last_check_at as number } : {}),
      ...(r.last_ok_at != null ? { lastOkAt: r.last_ok_at as number } : {}),
    };
  }

  recordOk(board: string): BoardHealth {
    const now = this.now();
    this.db.prepare(`INSERT INTO fleet_health (board, consecutive_failures, last_check_at, last_ok_at) VALUES (?, 0, ?, ?)
      ON CONFLICT(board) DO UPDATE SET consecutive_failures = 0, last_check_at = excluded.last_check_at, last_ok_at = excluded.last_ok_at`).run(board, now, now);
    return this.health(board);
  }

  /** Counts one more failed check; at `quarantineAfter` in a row the board is quarantined. */
  recordFailure(board: string, reason: string, quarantineAfter: number): BoardHealth {
    const now = this.now();
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO fleet_health (board, consecutive_failures, reason, last_check_at) VALUES (?, 1, ?, ?)
        ON CONFLICT(board) DO UPDATE SET consecutive_failures = consecutive_failures + 1, reason = excluded.reason, last_check_at = excluded.last_check_at`).run(board, reason, now);
      this.db.prepare('UPDATE fleet_health SET quarantined = 1 WHERE board = ? AND consecutive_failures >= ?').run(board, quarantineAfter);
    }).immediate();
    return this.health(board);
  }

  /** Only an explicit release takes a board out of quarantine; its failure count starts again. */
  releaseQuarantine(board: string): void {
    const r = this.db.prepare('UPDATE fleet_health SET quarantined = 0, consecutive_failures = 0 WHERE board = ? AND quarantined = 1').run(board);
    if (r.changes === 0) throw new EveError('BOARD_NOT_QUARANTINED', `board ${board} is not quarantined`);
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0 || ttlMs > 7 * 24 * 3600_000) {
    throw new EveError('LEASE_TTL', `lease TTL must be between 1 ms and 7 days, got ${ttlMs} ms`);
  }
}

function toLease(r: Row): Lease {
  return { board: r.board as string, holder: r.holder as string, token: r.token as string, acquiredAt: r.acquired_at as number, expiresAt: r.expires_at as number };
}
