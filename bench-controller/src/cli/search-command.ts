import type { Command } from 'commander';
import { initWasmBackend, loadMnist, loadUserData, runSearchPipeline, summarise, type Dataset } from '@eve-bench/search';
import { loadSearchConfig, type SearchConfig } from '../config/search-config.js';
import { prepareOutDir } from './demo-command.js';

async function loadData(c: SearchConfig): Promise<Dataset> {
  const d = c.data;
  if (d.source === 'mnist') return loadMnist({ trainCount: d.trainCount, valCount: d.valCount, testCount: d.testCount, seed: c.seed });
  return loadUserData({ features: d.features, labels: d.labels, shape: d.shape, classes: d.classes, valFraction: d.valFraction, testFraction: d.testFraction, seed: c.seed });
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('train, build a sandwich supernet, search nested sparse modes, fine-tune the winners; writes .eve packages, search.json and summary.txt')
    .requiredOption('--config <file>', 'search configuration (YAML/JSON; see README "eve search")')
    .option('--out <dir>', 'directory for the journal, checkpoints, packages and reports', 'search-out')
    .option('--resume', 'continue the search journaled in --out (after a crash or kill)', false)
    .action(async (opts: { config: string; out: string; resume: boolean }) => {
      const config = await loadSearchConfig(opts.config);
      const outDir = await prepareOutDir(opts.out);
      await initWasmBackend();
      const dataset = await loadData(config);
      const { fineTune, search } = config;
      const report = await runSearchPipeline({
        dataset, network: config.network, seed: config.seed, profile: config.device.profile,
        dense: config.training, supernet: config.supernet, search, fineTune,
        outDir, resume: opts.resume,
        // everything that shapes the run: a resumed search must be the same search
        fingerprint: JSON.stringify({ data: config.data, network: config.network, seed: config.seed, device: config.device, training: config.training, supernet: config.supernet, search: config.search }),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${summarise(report)}results in ${outDir}\n`);
    });
}
