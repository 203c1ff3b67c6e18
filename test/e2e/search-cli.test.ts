/**
 * `eve search` as a user runs it: a reduced config end to end, killed with SIGKILL in the middle of
 * the search and resumed with --resume; and bad configs ending in one clear line.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eveBin, runEve } from '../src/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'eve-search-'));
const BUDGET = 16;
const FLOORS = [0.5, 0.6, 0.7];
const config = join(tmp, 'search.yaml');
writeFileSync(config, [
  'network: mlp-small',
  'seed: 3',
  'data: { source: mnist, trainCount: 1500, valCount: 300, testCount: 300 }',
  'training: { epochs: 1, learningRate: 0.002 }',
  'supernet: { epochs: 1, trainCount: 1000 }',
  // the full co-exploration space, so resume also covers journaled genomes and decoder rejections
  `search: { strategy: nsga2, budget: ${BUDGET}, accuracyImages: 200, maxDrop: [5, 10, 20], sparsityFloors: [${FLOORS.join(', ')}], space: { granularities: [unstructured, block1x4, channel], numberFormats: [float32, int8], policy: { reserveJ: [0.00001, 0.00004] } }, objective: harvest }`,
  'fineTune: { epochs: 1, trainCount: 1000, winners: 2 }',
].join('\n'));

const journalIndices = (out: string) => readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n').slice(1).map((l) => (JSON.parse(l) as { index: number }).index);

/** Starts `eve search` and SIGKILLs it once it has reported `after` evaluations. */
function runAndKill(out: string, after: number): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [eveBin, 'search', '--config', config, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killed = false;
    const limit = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.resume();
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!killed && stderr.includes(`search: [${after}/${BUDGET}]`)) { killed = true; child.kill('SIGKILL'); }
    });
    child.on('close', () => { clearTimeout(limit); resolve({ killed, stderr }); });
  });
}

describe('eve search', () => {
  it('killed mid-search, --resume finishes it with no evaluation lost or repeated, and writes packages and reports', async () => {
    const out = join(tmp, 'out');
    const first = await runAndKill(out, 5);
    expect(first.killed, first.stderr).toBe(true);
    const before = journalIndices(out);
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(before.length).toBeLessThan(BUDGET);
    expect(existsSync(join(out, 'search.json'))).toBe(false);

    // without --resume the journal is protected
    const refused = await runEve(['search', '--config', config, '--out', out], 60_000);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds a search; pass --resume/);

    const second = await runEve(['search', '--config', config, '--out', out, '--resume'], 100_000);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resuming after ${before.length} journaled evaluations`);
    expect(second.stderr).not.toContain('dense: epoch'); // finished training stages are not redone
    // the resumed process evaluated exactly the ones that were missing
    const resumedEvals = second.stderr.split('\n').filter((l) => /^search: \[\d+\//.test(l)).map((l) => Number(/\[(\d+)\//.exec(l)![1]) - 1);
    expect(resumedEvals).toEqual(Array.from({ length: BUDGET - before.length }, (_, i) => before.length + i));
    expect(journalIndices(out)).toEqual(Array.from({ length: BUDGET }, (_, i) => i));

    const report = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8'));
    expect(report.evaluations).toHaveLength(BUDGET);
    expect(report.evaluations.every((e: { costSource: string }) => e.costSource === 'predicted')).toBe(true);
    // the configured space reached every candidate, and whatever the decoder refused says why
    for (const e of report.evaluations as Array<{ candidate: { numberFormat: string; granularity: string[]; policy: { reserveJ: number } }; rejected?: { constraint: string }; modes: unknown[] }>) {
      expect(['float32', 'int8']).toContain(e.candidate.numberFormat);
      expect(e.candidate.granularity).toHaveLength(3);
      expect([1e-5, 4e-5]).toContain(e.candidate.policy.reserveJ);
      if (e.rejected) expect(e.modes).toEqual([]);
    }
    expect(report.front.length).toBeGreaterThan(0);
    expect(report.winner.modes).toHaveLength(3);
    // the decoder refused whatever fell below a sparsity floor, so the fine-tuned winner's package meets them
    (report.winner.modes as Array<{ sparsity: number }>).forEach((m, k) => expect(m.sparsity).toBeGreaterThanOrEqual(FLOORS[k]!));
    expect(readdirSync(out).filter((f) => f.endsWith('.eve')).length).toBe(report.frontPackages.length);
    const pkg = await runEve(['package', 'inspect', join(out, report.winner.file)], 30_000);
    expect(pkg.code, pkg.stderr).toBe(0);
    expect(second.stdout).toMatch(/winner: evaluation \d+ -> front-0\.eve/);
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toContain('after joint fine-tuning');
  }, 200_000);

  it('runs on a user\'s own CSV data with a network given as JSON', async () => {
    const dir = join(tmp, 'user');
    const rows = ['t0,t1,t2,t3,t4,t5,label'];
    // three classes, separable by which of the first three features is largest
    for (let i = 0; i < 300; i++) {
      const f = Array.from({ length: 6 }, (_, k) => ((i * 7 + k * 13) % 17) / 17);
      const label = [0, 1, 2].reduce((b, k) => (f[k]! > f[b]! ? k : b), 0);
      rows.push([...f.map((v) => v.toFixed(3)), label].join(','));
    }
    mkdirSync(dir);
    writeFileSync(join(dir, 'data.csv'), rows.join('\n'));
    writeFileSync(join(dir, 'net.json'), JSON.stringify({ name: 'tiny', input: [1, 1, 6], classes: 3, layers: [{ type: 'dense', units: 16 }, { type: 'relu' }, { type: 'dense', units: 3 }] }));
    writeFileSync(join(dir, 'search.yaml'), [
      'network: net.json', 'data: { source: files, features: data.csv }', 'training: { epochs: 3, learningRate: 0.01 }',
      'supernet: { epochs: 1 }', 'search: { budget: 4, accuracyImages: 30, maxDrop: [50, 50, 50] }', 'fineTune: { epochs: 1, winners: 1 }',
    ].join('\n'));
    const r = await runEve(['search', '--config', join(dir, 'search.yaml'), '--out', join(dir, 'out')], 60_000);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'search.json'), 'utf8'));
    expect(report.dataset).toContain('data.csv');
    expect(report.evaluations).toHaveLength(4);
    expect(existsSync(join(dir, 'out', 'front-0.eve'))).toBe(true);
  }, 90_000);

  it('a bad config ends in one line naming the field, with a non-zero exit', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'network: lenet-5\ndata: { source: mnist }\nsearch: { budget: 0 }\n');
    const r = await runEve(['search', '--config', bad, '--out', join(tmp, 'bad-out')], 30_000);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/bad\.yaml: search\.budget: .*\[CONFIG_INVALID\]/);
    writeFileSync(bad, 'network: lenet-5\ndata: { source: files, features: missing.csv }\nsearch: { budget: 3 }\n');
    const r2 = await runEve(['search', '--config', bad, '--out', join(tmp, 'bad-out2')], 30_000);
    expect(r2.code).toBe(1);
    expect(r2.stderr.trim()).toMatch(/^eve: cannot read .*missing\.csv \(ENOENT\) \[DATA_UNREADABLE\]$/);
  });
});
