/**
 * CampaignStore on SQLite (better-sqlite3): WAL mode so a crash loses at most the statement in
 * progress, a schema version table for migrations, prepared statements throughout.
 */
import Database from 'better-sqlite3';
import { EveError } from '@eve-bench/device-agent';
import type { CampaignStore, MeasurementRow } from './campaign-store.js';

const SCHEMA_VERSION = 1;

export class SqliteCampaignStore implements CampaignStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    try {
      this.db = new Database(path);
    } catch (e) {
      throw new EveError('STORE_OPEN', `cannot open campaign store ${path}: ${(e as Error).message}`, { cause: e });
    }
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS campaigns (id INTEGER PRIMARY KEY, name TEXT NOT NULL, config TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS evaluations (id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        candidate_key TEXT NOT NULL, evaluation TEXT NOT NULL, score REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS measurements (id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        board TEXT NOT NULL, phase TEXT NOT NULL, candidate TEXT NOT NULL, mode INTEGER NOT NULL, mode_name TEXT NOT NULL,
        sparsity REAL NOT NULL, latency_us REAL NOT NULL, energy_uj REAL NOT NULL, energy_uncertainty_uj REAL NOT NULL,
        inferences INTEGER NOT NULL, accuracy REAL, cost_source TEXT NOT NULL);
    `);
    const v = this.db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    if (!v) this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
    else if (v.version !== SCHEMA_VERSION) throw new EveError('STORE_VERSION', `${path}: schema version ${v.version}, this build reads ${SCHEMA_VERSION}`);
  }

  createCampaign(name: string, config: unknown): number {
    const r = this.db.prepare('INSERT INTO campaigns (name, config, created_at) VALUES (?, ?, ?)').run(name, JSON.stringify(config), new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  recordEvaluation(campaignId: number, candidateKey: string, evaluation: unknown, score: number): void {
    this.db.prepare('INSERT INTO evaluations (campaign_id, candidate_key, evaluation, score) VALUES (?, ?, ?, ?)').run(campaignId, candidateKey, JSON.stringify(evaluation), score);
  }

  recordMeasurement(m: MeasurementRow): void {
    this.db.prepare(`INSERT INTO measurements (campaign_id, board, phase, candidate, mode, mode_name, sparsity, latency_us, energy_uj,
      energy_uncertainty_uj, inferences, accuracy, cost_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(m.campaignId, m.board, m.phase, m.candidate, m.mode, m.modeName, m.sparsity, m.latencyUs, m.energyUj, m.energyUncertaintyUj, m.inferences, m.accuracy, m.costSource);
  }

  listMeasurements(campaignId: number): MeasurementRow[] {
    const rows = this.db.prepare('SELECT * FROM measurements WHERE campaign_id = ? ORDER BY id').all(campaignId) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      campaignId: r.campaign_id as number, board: r.board as string, phase: r.phase as string, candidate: r.candidate as string,
      mode: r.mode as number, modeName: r.mode_name as string, sparsity: r.sparsity as number, latencyUs: r.latency_us as number,
      energyUj: r.energy_uj as number, energyUncertaintyUj: r.energy_uncertainty_uj as number, inferences: r.inferences as number,
      accuracy: r.accuracy as number | null, costSource: r.cost_source as string,
    }));
  }

  counts(campaignId: number) {
    const e = this.db.prepare('SELECT COUNT(*) AS n FROM evaluations WHERE campaign_id = ?').get(campaignId) as { n: number };
    const m = this.db.prepare('SELECT COUNT(*) AS n FROM measurements WHERE campaign_id = ?').get(campaignId) as { n: number };
    return { evaluations: e.n, measurements: m.n };
  }

  close(): void {
    this.db.close();
  }
}
