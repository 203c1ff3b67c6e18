/**
 * The search journal: an append-only JSONL file, fsynced after every line, holding a header (what
 * run it belongs to) and then one record per evaluation with the strategy's `snapshot()` after it
 * (when the strategy has one). JSONL rather than SQLite because the search workspace must not
 * depend on bench-controller's store, and one fsynced append per evaluation is all durability
 * needs. A kill can at worst tear the last line: `open` drops a torn tail and carries on.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { EveError } from '@eve-bench/device-agent';
import type { Evaluation } from '../evaluator/evaluator.js';
import type { Score } from '../objective/score.js';

export interface JournalRecord {
  index: number;
  /** The canonical genome proposed (absent in journals written before genomes were recorded). */
  genome?: number[];
  evaluation: Evaluation;
  score: Score;
  /** The strategy's JSON state after observing this evaluation, if it can snapshot. */
  snapshot?: unknown;
}

export class SearchJournal {
  private constructor(private fd: number, readonly records: JournalRecord[]) {}

  /**
   * Opens (or creates) the journal at `path` for the run named by `fingerprint`. With
   * `resume: false` an existing journal is refused rather than overwritten.
   */
  static open(path: string, fingerprint: string, resume: boolean): SearchJournal {
    const exists = existsSync(path);
    if (exists && !resume) throw new EveError('JOURNAL_EXISTS', `${path} already holds a search; pass --resume to continue it, or choose another --out`);
    if (!exists) {
      const fd = openSync(path, 'a');
      const j = new SearchJournal(fd, []);
      j.append({ kind: 'header', fingerprint });
      return j;
    }
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const records: JournalRecord[] = [];
    let goodBytes = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const complete = i < lines.length - 1; // the last piece has no newline: a torn write or empty
      if (!complete) break;
      let rec: { kind?: string; fingerprint?: string } & Partial<JournalRecord>;
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch (e) {
        throw new EveError('JOURNAL_CORRUPT', `${path}:${i + 1}: not JSON (the journal was edited or the disk is failing)`, { cause: e });
      }
      if (i === 0) {
        if (rec.kind !== 'header') throw new EveError('JOURNAL_CORRUPT', `${path}: no header line`);
        if (rec.fingerprint !== fingerprint) throw new EveError('JOURNAL_MISMATCH', `${path} belongs to another search (${rec.fingerprint}); the config changed since it started`);
      } else {
        if (rec.index !== records.length || !rec.evaluation || !rec.score) throw new EveError('JOURNAL_CORRUPT', `${path}:${i + 1}: expected evaluation ${records.length}`);
        records.push({ index: rec.index, ...(Array.isArray(rec.genome) ? { genome: rec.genome } : {}), evaluation: rec.evaluation, score: rec.score, ...(rec.snapshot === undefined ? {} : { snapshot: rec.snapshot }) });
      }
      goodBytes += Buffer.byteLength(line) + 1;
    }
    if (goodBytes === 0) throw new EveError('JOURNAL_CORRUPT', `${path}: no complete header line`);
    const fd = openSync(path, 'r+');
    ftruncateSync(fd, goodBytes); // drop a torn tail so the next append starts on a fresh line
    closeSync(fd);
    return new SearchJournal(openSync(path, 'a'), records);
  }

  record(r: JournalRecord): void {
    if (r.index !== this.records.length) throw new EveError('JOURNAL_ORDER', `evaluation ${r.index} recorded after ${this.records.length} others`);
    this.append(r);
    this.records.push(r);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private append(value: unknown): void {
    writeSync(this.fd, `${JSON.stringify(value)}\n`);
    fsyncSync(this.fd);
  }
}
