/**
 * Instruction counts of the generated C under `valgrind --tool=callgrind`, counting only
 * `eve_infer` and what it calls (--toggle-collect), so reading inputs and process start-up do
 * not dilute the comparison.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EveError } from '../errors/eve-error.js';

export function valgrindVersion(): string | undefined {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Instructions per inference of `exe` in `mode` over `count` inputs (concatenated in `inputs`). */
export function instructionsPerInference(exe: string, mode: number, inputs: Uint8Array, count: number, dir: string): number {
  const out = join(dir, `callgrind.${mode}.out`);
  execFileSync('valgrind', ['--tool=callgrind', '--toggle-collect=eve_infer', `--callgrind-out-file=${out}`, exe, String(mode)], { input: inputs, stdio: ['pipe', 'ignore', 'ignore'], maxBuffer: 1 << 26 });
  const m = /^(?:totals|summary):\s+(\d+)/m.exec(readFileSync(out, 'utf8'));
  if (!m) throw new EveError('BENCH_CALLGRIND', `no totals in ${out}`);
  return Number(m[1]) / count;
}
