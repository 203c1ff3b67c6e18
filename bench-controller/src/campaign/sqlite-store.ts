/**
 * CampaignStore on SQLite (better-sqlite3): WAL mode so a crash loses at most the statement in
 * progress, a schema version table for migrations, prepared statements throughout.
 */
import Database from 'better-sqlite3';
import { EveError } from '@eve-bench/device-agent';
import type { CampaignStore, MeasurementRow } from './campaign-store.js';

const SCHEMA_VERSION = 1;

type Row = Record<string, unknown>;

export class SqliteCampaignStore implements CampaignStore {
  private readonly db: Database.Database;
  private readonly q: ReturnType<typeof prepare>;

  /** `now` stamps campaigns' creation time (injectable for reproducible stores). */
  constructor(private readonly path: string, private readonly now: () => Date = () => new Date()) {
    try {
      this.db = new Database(path);
    } catch (e) {
      throw new EveError('STORE_OPEN', `cannot open campaign store ${path}: ${(e as Error).message}`, { cause: e });
    }
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS campaigns (id INTEGER PRIMARY KEY, name TEXT NOT NULL, config TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS evaluations (id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
          candidate_key TEXT NOT NULL, evaluation TEXT NOT NULL, score REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS measurements (id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
          board TEXT NOT NULL, phase TEXT NOT NULL, candidate TEXT NOT NULL, mode INTEGER NOT NULL, mode_name TEXT NOT NULL,
          sparsity REAL NOT NULL, latency_us REAL NOT NULL, energy_uj REAL NOT NULL, energy_uncertainty_uj REAL NOT NULL,
          inferences INTEGER NOT NULL, accuracy REAL, cost_source TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS evaluations_campaign ON evaluations (campaign_id);
        CREATE INDEX IF NOT EXISTS measurements_campaign ON measurements (campaign_id);
      `);
      const v = this.db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
      if (!v) this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
      else if (v.version !== SCHEMA_VERSION) throw new EveError('STORE_VERSION', `${path}: schema version ${v.version}, this build reads ${SCHEMA_VERSION}`);
      this.q = prepare(this.db);
    } catch (e) {
      this.db.close();
      throw e instanceof EveError ? e : new EveError('STORE_OPEN', `campaign store ${path}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Runs a write, turning SQLite's errors (an unknown campaign, a full disk) into typed ones. */
  private write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const fk = (e as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
      throw new EveError(fk ? 'STORE_NO_CAMPAIGN' : 'STORE_WRITE', `${this.path}: ${what}: ${fk ? 'no such campaign' : (e as Error).message}`, { cause: e });
    }
  }

  createCampaign(name: string, config: unknown): number {
    return this.write('createCampaign', () => Number(this.q.insertCampaign.run(name, JSON.stringify(config), this.now().toISOString()).lastInsertRowid));
  }

  recordEvaluation(campaignId: number, candidateKey: string, evaluation: unknown, score: number): void {
    this.write('recordEvaluation', () => this.q.insertEvaluation.run(campaignId, candidateKey, JSON.stringify(evaluation), score));
  }

  recordMeasurement(m: MeasurementRow): void {
    this.write('recordMeasurement', () => this.q.insertMeasurement.run(m.campaignId, m.board, m.phase, m.candidate, m.mode, m.modeName, m.sparsity,
      m.latencyUs, m.energyUj, m.energyUncertaintyUj, m.inferences, m.accuracy, m.costSource));
  }

  listMeasurements(campaignId: number): MeasurementRow[] {
    return (this.q.listMeasurements.all(campaignId) as Row[]).map((r) => ({
      campaignId: r.campaign_id as number, board: r.board as string, phase: r.phase as string, candidate: r.candidate as string,
      mode: r.mode as number, modeName: r.mode_name as string, sparsity: r.sparsity as number, latencyUs: r.latency_us as number,
      energyUj: r.energy_uj as number, energyUncertaintyUj: r.energy_uncertainty_uj as number, inferences: r.inferences as number,
      accuracy: r.accuracy as number | null, costSource: r.cost_source as string,
    }));
  }

  counts(campaignId: number) {
    const e = this.q.countEvaluations.get(campaignId) as { n: number };
    const m = this.q.countMeasurements.get(campaignId) as { n: number };
    return { evaluations: e.n, measurements: m.n };
  }

  close(): void {
    this.db.close();
  }
}

function prepare(db: Database.Database) {
  return {
    insertCampaign: db.prepare('INSERT INTO campaigns (name, config, created_at) VALUES (?, ?, ?)'),
    insertEvaluation: db.prepare('INSERT INTO evaluations (campaign_id, candidate_key, evaluation, score) VALUES (?, ?, ?, ?)'),
    insertMeasurement: db.prepare(`INSERT INTO measurements (campaign_id, board, phase, candidate, mode, mode_name, sparsity, latency_us,
      energy_uj, energy_uncertainty_uj, inferences, accuracy, cost_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    listMeasurements: db.prepare('SELECT * FROM measurements WHERE campaign_id = ? ORDER BY id'),
    countEvaluations: db.prepare('SELECT COUNT(*) AS n FROM evaluations WHERE campaign_id = ?'),
    countMeasurements: db.prepare('SELECT COUNT(*) AS n FROM measurements WHERE campaign_id = ?'),
  };
}
