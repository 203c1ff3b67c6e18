import { mkdir, open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EveError } from '@eve-bench/device-agent';
import { loadBenchConfig } from '../config/bench-config.js';
import { runDemo } from '../demo/run-demo.js';
import { parseIntArg } from './args.js';

/** Makes sure `dir` exists and that we can create files in it, before any real work starts. */
export async function prepareOutDir(dir: string): Promise<string> {
  const abs = resolve(dir);
  try {
    await mkdir(abs, { recursive: true });
    const probe = resolve(abs, `.eve-write-probe-${process.pid}`);
    const fh = await open(probe, 'w');
    await fh.close();
    await rm(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new EveError('OUT_UNWRITABLE', `cannot write to --out ${dir} (${code})`, { cause: e });
  }
  return abs;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole loop on embedded defaults: train, derive nested modes, deploy, measure, search, report')
    .option('--out <dir>', 'directory for result.json, the packages, the SQLite store and telemetry files', 'demo-out')
    .option('--quick', 'a reduced run (about a minute) for tests and CI', false)
    .option('--seed <n>', 'seed for data split, initialisation, search and traces', parseIntArg('--seed', 0, 2 ** 31 - 1), 1)
    .option('--config <file>', 'bench configuration (YAML/JSON): real boards, supplies and broker instead of the virtual lab')
    .action(async (opts: { out: string; quick: boolean; seed: number; config?: string }) => {
      const outDir = await prepareOutDir(opts.out);
      const config = opts.config === undefined ? undefined : await loadBenchConfig(opts.config);
      await runDemo({ outDir, quick: opts.quick, seed: opts.seed, config });
    });
}
