import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEve } from '../src/run-cli.js';

interface Result {
  dense: { accuracy: number; latencyUs: number; energyUj: number };
  modes: Array<{ name: string; sparsity: number; accuracy: number; latencyUs: number; energyUj: number; energyUncertaintyUj: number; speedup: number; truth?: { energyUj: number; latencyUs: number } }>;
  telemetry: { published: number; stored: number };
  search: { evaluated: number; best: unknown };
}

describe('eve demo --quick, end to end through the built CLI', () => {
  it('trains, searches on measured costs, measures every mode and reports', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eve-demo-'));
    const r = await runEve(['demo', '--quick', '--out', out, '--seed', '3'], 180_000);
    expect(r.timedOut, 'demo --quick hung').toBe(false);
    expect(r.code, r.stderr).toBe(0);

    // progress and the final table
    expect(r.stdout).toMatch(/Train mlp-small on MNIST/);
    expect(r.stdout).toMatch(/Search \d+ candidates/);
    expect(r.stdout).toMatch(/mode\s+sparsity\s+accuracy\s+latency µs\s+energy µJ\s+speedup/);

    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as Result;
    expect(result.modes.length).toBeGreaterThanOrEqual(3);
    // latency falls as sparsity rises
    const bySparsity = [...result.modes].sort((a, b) => a.sparsity - b.sparsity);
    for (let i = 1; i < bySparsity.length; i++) {
      expect(bySparsity[i]!.sparsity).toBeGreaterThan(bySparsity[i - 1]!.sparsity);
      expect(bySparsity[i]!.latencyUs).toBeLessThan(bySparsity[i - 1]!.latencyUs);
    }
    for (const m of result.modes) {
      expect(m.speedup).toBeCloseTo(result.dense.latencyUs / m.latencyUs, 6);
      expect(m.accuracy).toBeGreaterThan(0.5); // far above chance (0.1) on MNIST
      expect(m.energyUj).toBeGreaterThan(0);
      // the bench's energy, earned from DP832-like readbacks, agrees with the simulation's ground
      // truth within the uncertainty it reports (twice the 95 % half-width: ~4 standard errors)
      expect(m.truth).toBeDefined();
      expect(m.energyUncertaintyUj).toBeGreaterThan(0);
      expect(m.energyUncertaintyUj / m.energyUj).toBeLessThan(0.2);
      expect(Math.abs(m.energyUj - m.truth!.energyUj)).toBeLessThanOrEqual(2 * m.energyUncertaintyUj);
    }
    expect(result.dense.accuracy).toBeGreaterThan(0.8);
    expect(result.telemetry.published).toBeGreaterThan(0);
    expect(result.telemetry.stored).toBe(result.telemetry.published);
    expect(result.search.evaluated).toBeGreaterThanOrEqual(3);
    expect(result.search.best).not.toBeNull();
    expect(existsSync(join(out, 'eve-demo.eve'))).toBe(true);
    expect(existsSync(join(out, 'eve.sqlite'))).toBe(true);
  }, 200_000);
});
