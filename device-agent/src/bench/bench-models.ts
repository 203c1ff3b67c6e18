/**
 * The trained models the runtime bench measures: `npm run models -w search` trains them and
 * writes, under bench/models/, one shared-weight package and one dense (unpruned) package per
 * network, a 1,000-image MNIST test subset (raw uint8 images and labels) and this manifest.
 * Files are checked on load: a missing, stale or damaged set is reported, never half-used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EveError } from '../errors/eve-error.js';
import { readPackage } from '../format/reader.js';
import type { EvePackage } from '../format/package-types.js';

export const MODELS_MANIFEST = 'manifest.json';
export const MODELS_MANIFEST_VERSION = 1;

export interface BenchModelEntry {
  network: string;
  /** Shared-weight package with every mode, file name in the models folder. */
  package: string;
  /** The network trained dense and never pruned, as a one-mode package. */
  densePackage: string;
  /** TensorFlow.js top-1 accuracy per mode on the test subset (cross-check for the runtime's). */
  tfjsAccuracy: number[];
}

export interface BenchModelsManifest {
  version: number;
  seed: number;
  /** Cost-model profile the writer chose each layer's kernel format for. */
  profile: string;
  test: { images: string; labels: string; count: number; features: number };
  networks: BenchModelEntry[];
  /** What produced these files (epochs, sample counts, sparsities), for the record. */
  config: unknown;
}

export interface LoadedBenchModel extends BenchModelEntry {
  shared: EvePackage;
  dense: EvePackage;
}

export interface BenchModels {
  manifest: BenchModelsManifest;
  networks: LoadedBenchModel[];
  test: { images: Uint8Array; labels: Uint8Array; count: number; features: number };
}

function bad(why: string): EveError {
  return new EveError('BENCH_MODELS_INVALID', `bench models: ${why}`);
}

const isName = (v: unknown): v is string => typeof v === 'string' && /^[\w.-]+$/.test(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

export function parseManifest(value: unknown): BenchModelsManifest {
  const m = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (m.version !== MODELS_MANIFEST_VERSION) throw bad(`manifest version ${String(m.version)} is not ${MODELS_MANIFEST_VERSION}; run npm run models -w search`);
  if (typeof m.seed !== 'number' || typeof m.profile !== 'string') throw bad('manifest needs a numeric seed and a profile name');
  const t = (typeof m.test === 'object' && m.test !== null ? m.test : {}) as Record<string, unknown>;
  if (!isName(t.images) || !isName(t.labels) || !isCount(t.count) || !isCount(t.features)) throw bad('manifest test must name images and labels files and give count and features');
  if (!Array.isArray(m.networks) || m.networks.length === 0) throw bad('manifest lists no networks');
  const networks = m.networks.map((raw, i): BenchModelEntry => {
    const n = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (!isName(n.network) || !isName(n.package) || !isName(n.densePackage)) throw bad(`networks[${i}] needs network, package and densePackage names`);
    if (!Array.isArray(n.tfjsAccuracy) || !n.tfjsAccuracy.every((a) => typeof a === 'number')) throw bad(`networks[${i}].tfjsAccuracy must be numbers`);
    return { network: n.network, package: n.package, densePackage: n.densePackage, tfjsAccuracy: n.tfjsAccuracy as number[] };
  });
  return { version: m.version, seed: m.seed, profile: m.profile, test: { images: t.images, labels: t.labels, count: t.count, features: t.features }, networks, config: m.config };
}

/** The trained models in `dir`, or undefined when there is no manifest (not trained yet). */
export function loadBenchModels(dir: string): BenchModels | undefined {
  const path = join(dir, MODELS_MANIFEST);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EveError('BENCH_MODELS_INVALID', `bench models: ${path} is not JSON`, { cause: e });
  }
  const manifest = parseManifest(json);
  const file = (name: string) => {
    const p = join(dir, name);
    if (!existsSync(p)) throw bad(`${p} is missing; run npm run models -w search`);
    return new Uint8Array(readFileSync(p));
  };
  const { count, features } = manifest.test;
  const images = file(manifest.test.images);
  const labels = file(manifest.test.labels);
  if (images.length !== count * features || labels.length !== count) throw bad(`test files hold ${images.length} image bytes and ${labels.length} labels, not ${count} x ${features}`);
  const networks = manifest.networks.map((n) => {
    const shared = readPackage(file(n.package));
    const dense = readPackage(file(n.densePackage));
    for (const p of [shared, dense]) {
      if (p.input[0] * p.input[1] * p.input[2] !== features) throw bad(`${n.network} takes ${p.input.join('x')} inputs, the test set has ${features} features`);
    }
    return { ...n, shared, dense };
  });
  return { manifest, networks, test: { images, labels, count, features } };
}
