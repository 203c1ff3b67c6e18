/**
 * The `eve search --config` file (YAML or JSON), validated with zod. Everything has a default
 * except what only the user can know; README "eve search" shows an example.
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_POLICY, EveError } from '@eve-bench/device-agent';
import { parseConfigText, readConfigFile } from './bench-config.js';

const count = z.number().int().positive();
const stage = (epochs: number, learningRate: number) => z.object({
  epochs: count.default(epochs),
  batchSize: count.default(64),
  learningRate: z.number().positive().max(1).default(learningRate),
  lrDecay: z.number().positive().max(1).default(1),
  trainCount: count.optional(),
}).strict();

/** Learning from the dense model's softened outputs too (Hinton et al.): temperature and weight of the soft term. */
const Distill = z.object({ temperature: z.number().min(1).max(20).default(4), alpha: z.number().min(0).max(1).default(0.7) }).strict();

const Mnist = z.object({ source: z.literal('mnist'), trainCount: count.default(55_000), valCount: count.default(5_000), testCount: count.default(10_000) }).strict();
const User = z.object({
  source: z.literal('files'),
  features: z.string().min(1),
  labels: z.string().min(1).optional(),
  shape: z.tuple([count, count, count]).optional(),
  classes: count.optional(),
  valFraction: z.number().min(0).lt(1).default(0.1),
  testFraction: z.number().min(0).lt(1).default(0.1),
}).strict();

export const SearchConfig = z.object({
  data: z.discriminatedUnion('source', [Mnist, User]),
  /** A built-in network name, or a JSON network spec file (`*.json`, relative to the config). */
  network: z.string().min(1),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  device: z.object({
    profile: z.string().min(1).default('stm32l476-m4f'),
    /** Budgets the decoder checks; default the profile's flash/FRAM and SRAM. */
    weightMemoryBytes: count.optional(),
    activationMemoryBytes: count.optional(),
    /** Time between requests: every mode's deadline, and the harvest objective's period. */
    deadlineS: z.number().positive().default(1),
  }).strict().default({ profile: 'stm32l476-m4f', deadlineS: 1 }),
  training: stage(8, 0.002).default(stage(8, 0.002).parse({})),
  supernet: stage(2, 0.001).extend({ randomConfigs: z.number().int().min(0).max(8).default(2), distill: Distill.optional() }).default({ epochs: 2, batchSize: 64, learningRate: 0.001, lrDecay: 1, randomConfigs: 2 }),
  search: z.object({
    strategy: z.enum(['random', 'evolution', 'nsga2', 'reinforce']).default('evolution'),
    budget: count.max(100_000),
    modes: z.number().int().min(1).max(8).default(3),
    choices: z.array(z.number().min(0).lt(1)).min(1).default([0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.95, 0.97]),
    accuracyImages: count.default(2000),
    /** Largest allowed accuracy drop per mode, in points. */
    maxDrop: z.array(z.number().min(0).max(100)).min(1).default([0.5, 0.5, 0.5]),
    /** Least overall weight sparsity per mode, densest first (one per mode); the decoder refuses a candidate below one. */
    sparsityFloors: z.array(z.number().min(0).lt(1)).min(1).optional(),
    /** What is searched besides sparsity; each list's values are the choices. */
    space: z.object({
      granularities: z.array(z.enum(['unstructured', 'block1x4', 'channel'])).min(1).default(['unstructured']),
      kernels: z.array(z.enum(['dense', 'sparse'])).min(1).default(['sparse']),
      numberFormats: z.array(z.enum(['float32', 'int8'])).min(1).default(['float32']),
      /** Mode-policy parameters (device-agent's PolicyOptions) and the values searched for each. */
      policy: z.record(z.string(), z.array(z.number().min(0)).min(1)).default({}),
      /** Per weighted layer, the largest sparsity it may take (null: any choice); checked against the network when the space is built. */
      sparsityCaps: z.array(z.number().min(0).lt(1).nullable()).min(1).optional(),
    }).strict().default({ granularities: ['unstructured'], kernels: ['sparse'], numberFormats: ['float32'], policy: {} }),
    objective: z.enum(['energy', 'harvest']).default('energy'),
    /** The storage capacitor the harvest objective simulates. */
    harvest: z.object({ capacitanceF: z.number().positive().default(100e-6), maxV: z.number().positive().default(3.3), brownOutV: z.number().positive().default(1.8) }).strict().default({ capacitanceF: 100e-6, maxV: 3.3, brownOutV: 1.8 }),
  }).strict(),
  fineTune: stage(1, 0.0005).extend({
    winners: z.number().int().min(1).max(20).default(3), lossWeights: z.array(z.number().min(0)).optional(), distill: Distill.optional(),
    /** Prune the winner gradually (cubic ramp over `rampEpochs`, masks re-derived every `maskEvery` batches) instead of under the supernet's masks. */
    gradual: z.object({ rampEpochs: z.number().positive(), maskEvery: count.default(50) }).strict().optional(),
    /** Shift each training image by up to `maxShift` pixels in x and y while fine-tuning (image data only). */
    augment: z.object({ maxShift: z.number().int().min(0).max(8) }).strict().optional(),
  }).default({ epochs: 1, batchSize: 64, learningRate: 0.0005, lrDecay: 1, winners: 3 }),
}).strict();

export type SearchConfig = z.infer<typeof SearchConfig>;

/** Parses and validates; relative data paths are resolved against the config file's folder. */
export function parseSearchConfig(text: string, source: string): SearchConfig {
  const c = parseConfigText(SearchConfig, text, source);
  if (c.fineTune.lossWeights && c.fineTune.lossWeights.length !== c.search.modes) throw new EveError('CONFIG_INVALID', `${source}: fineTune.lossWeights: ${c.fineTune.lossWeights.length} weights for ${c.search.modes} modes`);
  const floors = c.search.sparsityFloors;
  if (floors && floors.length !== c.search.modes) throw new EveError('CONFIG_INVALID', `${source}: search.sparsityFloors: ${floors.length} floors for ${c.search.modes} modes`);
  if (floors && floors.some((f, k) => k > 0 && f < floors[k - 1]!)) throw new EveError('CONFIG_INVALID', `${source}: search.sparsityFloors must not decrease from mode to mode (modes nest), got ${floors.join(', ')}`);
  for (const k of Object.keys(c.search.space.policy)) {
    if (!(k in DEFAULT_POLICY)) throw new EveError('CONFIG_INVALID', `${source}: search.space.policy.${k}: not a mode-policy parameter (${Object.keys(DEFAULT_POLICY).join(', ')})`);
  }
  if (c.search.harvest.brownOutV >= c.search.harvest.maxV) throw new EveError('CONFIG_INVALID', `${source}: search.harvest: brownOutV ${c.search.harvest.brownOutV} V must be below maxV ${c.search.harvest.maxV} V`);
  if (c.fineTune.gradual && c.fineTune.gradual.rampEpochs > c.fineTune.epochs) throw new EveError('CONFIG_INVALID', `${source}: fineTune.gradual.rampEpochs (${c.fineTune.gradual.rampEpochs}) exceeds fineTune.epochs (${c.fineTune.epochs})`);
  const base = dirname(resolve(source));
  if (c.network.endsWith('.json')) c.network = resolve(base, c.network);
  if (c.data.source === 'files') {
    c.data.features = resolve(base, c.data.features);
    if (c.data.labels) c.data.labels = resolve(base, c.data.labels);
  }
  return c;
}

export async function loadSearchConfig(path: string): Promise<SearchConfig> {
  return parseSearchConfig(await readConfigFile(path), path);
}
