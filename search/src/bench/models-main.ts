/**
 * `npm run models -w search [-- --force]`: trains the bench models into <repo>/bench/models/
 * unless a manifest made from the same config is already there (the root `npm run bench` calls
 * this before the device-agent bench, so it is cheap when nothing changed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MODELS_MANIFEST } from '@eve-bench/device-agent';
import { initWasmBackend } from '../train/backend.js';
import { loadMnist } from '../data/mnist.js';
import { DEFAULT_MODELS_CONFIG, trainBenchModels } from './train-models.js';

async function main() {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const out = values.out ?? join(root, 'bench/models');
  const config = DEFAULT_MODELS_CONFIG;
  const manifestPath = join(out, MODELS_MANIFEST);
  if (!values.force && existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as { config?: unknown };
    if (JSON.stringify(old.config) === JSON.stringify(config)) {
      console.log(`bench models in ${out} are up to date (same config and seed); --force retrains`);
      return;
    }
  }
  const started = Date.now();
  await initWasmBackend();
  const data = await loadMnist({ trainCount: config.trainCount, valCount: config.valCount, testCount: config.testCount, seed: config.seed });
  // the search benchmark's work folder: both train the same dense models and share the checkpoint
  await trainBenchModels(data, out, config, (l) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${l}`), join(root, 'search/bench/work'));
  console.log(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
