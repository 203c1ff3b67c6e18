/**
 * `npm run bench -w search` (training part): dense LeNet-5 and LeNet-300-100 on full MNIST.
 * Writes its figures under the `training` key of bench/results/search.json (other keys belong
 * to other parts of the benchmark) and prints a table.
 */
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initWasmBackend } from '../train/backend.js';
import { loadMnist } from '../data/mnist.js';
import { denseModel, type DenseFigures } from './dense-phase.js';
import { searchFigures, type SearchFigures } from './search-phase.js';

const root = new URL('../../', import.meta.url).pathname;
const work = join(root, 'bench', 'work');
// results go to the repository's bench/results/ beside the other workspaces' figures
const resultsFile = join(root, '..', 'bench', 'results', 'search.json');
const log = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);

async function main(): Promise<void> {
  const only = process.argv[2];
  mkdirSync(work, { recursive: true });
  mkdirSync(dirname(resultsFile), { recursive: true });
  await initWasmBackend();
  const data = await loadMnist({ trainCount: 55_000, valCount: 5_000, testCount: 10_000, seed: 1 });
  const dense: DenseFigures[] = [];
  const search: SearchFigures[] = [];
  for (const network of ['lenet-300-100', 'lenet-5']) {
    if (only && only !== network && only !== 'dense' && only !== `${network}-search`) continue;
    const { figures, model } = await denseModel(network, data, work, 1, log);
    dense.push(figures);
    log(`${network}: dense test accuracy ${(figures.testAccuracy * 100).toFixed(2)} % in ${figures.trainSeconds.toFixed(0)} s`);
    if (only === 'dense' || only === network) continue;
    search.push(await searchFigures(network, model, data, work, 1, log));
  }
  const all = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>) : {};
  // several runs (one per network) may fill the key in turn: merge by network
  const prev = (all.training ?? {}) as { dense?: DenseFigures[]; search?: SearchFigures[] };
  const merge = <T extends { network: string }>(old: T[] | undefined, fresh: T[]) => [...(old ?? []).filter((o) => !fresh.some((f) => f.network === o.network)), ...fresh];
  all.training = { measuredAt: new Date().toISOString(), dense: merge(prev.dense, dense), search: merge(prev.search, search) };
  writeFileSync(resultsFile, JSON.stringify(all, null, 2));
  console.log('network         epochs  test acc  train s  images/s');
  for (const d of dense) console.log(`${d.network.padEnd(15)} ${String(d.epochs).padStart(6)}  ${(d.testAccuracy * 100).toFixed(2).padStart(7)}%  ${d.trainSeconds.toFixed(0).padStart(7)}  ${d.imagesPerSecond.toFixed(0).padStart(8)}`);
  for (const s of search) {
    console.log(`\n${s.network}: ${s.evaluations} evaluations (${s.feasible} feasible); supernet ${s.seconds.supernet.toFixed(0)} s, search ${s.seconds.search.toFixed(0)} s, fine-tune ${s.seconds.fineTune.toFixed(0)} s; target ${s.meetsTarget ? 'met' : 'NOT met'}`);
    console.log('mode  sparsity  test acc  drop (points)');
    s.winner?.forEach((m, k) => console.log(`${String(k).padEnd(4)}  ${(m.sparsity * 100).toFixed(1).padStart(7)}%  ${(m.testAccuracy * 100).toFixed(2).padStart(7)}%  ${m.dropPoints.toFixed(2).padStart(6)}`));
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
