/**
 * The demo's outputs: `result.json` (machine-readable, every number measured by this run) and
 * the table printed at the end.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ModeRow {
  name: string;
  sparsity: number;
  accuracy: number;
  latencyUs: number;
  energyUj: number;
  speedup: number;
  energyUncertaintyUj: number;
  /** Simulation ground truth, virtual lab only: the bench never reads it while measuring. */
  truth?: { latencyUs: number; energyUj: number };
}

export interface DemoResult {
  dense: { accuracy: number; latencyUs: number; energyUj: number; truth?: { latencyUs: number; energyUj: number } };
  modes: ModeRow[];
  telemetry: { published: number; stored: number; invalid: number };
  search: {
    evaluated: number;
    best: { candidate: unknown; feasible: boolean; score: number; modes: Array<{ accuracy: number; latencyUs: number; energyUj: number; sparsity: number }> };
    costSource: string;
    warnings: string[];
  };
  package: { bytes: number; denseBytes: number };
  boards: string[];
  plan: unknown;
  seed: number;
  durationS: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const num = (x: number, d = 1) => x.toFixed(d);

export function formatTable(r: DemoResult): string {
  const rows = [
    ['mode', 'sparsity', 'accuracy', 'latency µs', 'energy µJ', 'speedup'],
    ['dense', pct(0), pct(r.dense.accuracy), num(r.dense.latencyUs), num(r.dense.energyUj, 2), '1.00x'],
    ...r.modes.map((m) => [m.name, pct(m.sparsity), pct(m.accuracy), num(m.latencyUs), `${num(m.energyUj, 2)} ±${num(m.energyUncertaintyUj, m.energyUncertaintyUj < 0.01 ? 3 : 2)}`, `${m.speedup.toFixed(2)}x`]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const geo = Math.exp(r.modes.reduce((s, m) => s + Math.log(m.speedup), 0) / Math.max(1, r.modes.length));
  out.push('', `geometric-mean speedup over the modes: ${geo.toFixed(2)}x (measured latency, dense ÷ mode)`);
  const truthRows = r.modes.filter((m) => m.truth);
  if (truthRows.length > 0) {
    const errs = truthRows.map((m) => Math.abs(m.energyUj / m.truth!.energyUj - 1));
    out.push(`bench energy vs simulation ground truth: worst error ${(Math.max(...errs) * 100).toFixed(2)} %`);
  }
  out.push(`telemetry: ${r.telemetry.published} published, ${r.telemetry.stored} stored, ${r.telemetry.invalid} invalid`);
  out.push(`search: ${r.search.evaluated} candidates measured on ${r.search.costSource} boards; package ${r.package.bytes} bytes for ${r.modes.length} modes (dense model alone: ${r.package.denseBytes})`);
  for (const w of r.search.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

export async function writeResult(outDir: string, r: DemoResult): Promise<string> {
  const path = join(outDir, 'result.json');
  await writeFile(path, JSON.stringify(r, null, 2) + '\n');
  return path;
}
