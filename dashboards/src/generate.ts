/** `npm run generate -w dashboards`: writes dashboards/grafana/ from the specs in src/. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAll } from './provisioning/render.js';

export const GRAFANA_DIR = fileURLToPath(new URL('../grafana/', import.meta.url));

async function main(): Promise<void> {
  for (const [path, text] of renderAll()) {
    const file = join(GRAFANA_DIR, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    console.log(`wrote ${file}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
