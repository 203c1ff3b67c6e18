import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { EveError } from '@eve-bench/device-agent';
import { initWasmBackend, loadMnist, loadUserData, parseNetworkSpec, runSearchPipeline, summarise, type Dataset, type NetworkSpec, type PolicyChoices } from '@eve-bench/search';
import { loadSearchConfig, type SearchConfig } from '../config/search-config.js';
import { prepareOutDir } from './demo-command.js';

async function loadData(c: SearchConfig): Promise<Dataset> {
  const d = c.data;
  if (d.source === 'mnist') return loadMnist({ trainCount: d.trainCount, valCount: d.valCount, testCount: d.testCount, seed: c.seed });
  return loadUserData({ features: d.features, labels: d.labels, shape: d.shape, classes: d.classes, valFraction: d.valFraction, testFraction: d.testFraction, seed: c.seed });
}

/** A built-in network by name, or a JSON network spec file (path already resolved by the config loader). */
async function loadNetwork(network: string): Promise<string | NetworkSpec> {
  if (!network.endsWith('.json')) return network;
  let text: string;
  try {
    text = await readFile(network, 'utf8');
  } catch (e) {
    throw new EveError('NETWORK_UNREADABLE', `cannot read network ${network} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new EveError('NETWORK_INVALID', `${network}: not JSON`, { cause: e }); }
  return parseNetworkSpec(raw, network);
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
        dataset, network: await loadNetwork(config.network), seed: config.seed, profile: config.device.profile,
        device: config.device,
        dense: config.training, supernet: config.supernet, search: { ...search, space: { ...search.space, policy: search.space.policy as PolicyChoices } }, fineTune,
        outDir, resume: opts.resume,
        // everything that shapes the run: a resumed search must be the same search
        fingerprint: JSON.stringify({ data: config.data, network: config.network, seed: config.seed, device: config.device, training: config.training, supernet: config.supernet, search: config.search }),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${summarise(report)}results in ${outDir}\n`);
    });
}
