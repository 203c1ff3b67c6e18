import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteCampaignStore } from './sqlite-store.js';
import type { MeasurementRow } from './campaign-store.js';

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'eve-store-')), 'c.sqlite');
const row = (campaignId: number, over: Partial<MeasurementRow> = {}): MeasurementRow => ({
  campaignId, board: 'b', phase: 'final', candidate: 'c', mode: 0, modeName: 'high', sparsity: 0.5, latencyUs: 10, energyUj: 2,
  energyUncertaintyUj: 0.01, inferences: 5, accuracy: null, costSource: 'virtual', ...over,
});

describe('SqliteCampaignStore', () => {
  it('keeps campaigns, evaluations and measurements across reopen, per campaign and in order', () => {
    const path = dbPath();
    const a = new SqliteCampaignStore(path, () => new Date('2026-01-02T03:04:05Z'));
    const id = a.createCampaign('c1', { seed: 1 });
    const other = a.createCampaign('c2', {});
    a.recordEvaluation(id, 'k', { x: 1 }, 0.5);
    a.recordMeasurement(row(id));
    a.recordMeasurement(row(id, { mode: 1, modeName: 'low', accuracy: 0.93, costSource: 'hardware' }));
    a.recordMeasurement(row(other));
    a.close();
    const b = new SqliteCampaignStore(path);
    expect(b.counts(id)).toEqual({ evaluations: 1, measurements: 2 });
    expect(b.counts(other)).toEqual({ evaluations: 0, measurements: 1 });
    expect(b.listMeasurements(id)).toEqual([row(id), row(id, { mode: 1, modeName: 'low', accuracy: 0.93, costSource: 'hardware' })]);
    b.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT created_at FROM campaigns WHERE id = ?').get(id)).toEqual({ created_at: '2026-01-02T03:04:05.000Z' });
    expect(raw.prepare('SELECT evaluation, score FROM evaluations').get()).toEqual({ evaluation: '{"x":1}', score: 0.5 });
    raw.close();
  });

  it('refuses rows for a campaign that does not exist with a typed error', () => {
    const s = new SqliteCampaignStore(dbPath());
    expect(() => s.recordMeasurement(row(42))).toThrow(expect.objectContaining({ code: 'STORE_NO_CAMPAIGN' }));
    expect(() => s.recordEvaluation(42, 'k', {}, 1)).toThrow(expect.objectContaining({ code: 'STORE_NO_CAMPAIGN' }));
    s.close();
  });

  it('refuses a store written by another schema version', () => {
    const path = dbPath();
    new SqliteCampaignStore(path).close();
    const raw = new Database(path);
    raw.prepare('UPDATE schema_version SET version = 99').run();
    raw.close();
    expect(() => new SqliteCampaignStore(path)).toThrow(expect.objectContaining({ code: 'STORE_VERSION' }));
  });

  it('names the path when it cannot open the file', () => {
    expect(() => new SqliteCampaignStore(join(tmpdir(), 'no-such-dir-eve', 'x', 'c.sqlite'))).toThrow(expect.objectContaining({ code: 'STORE_OPEN' }));
  });
});
