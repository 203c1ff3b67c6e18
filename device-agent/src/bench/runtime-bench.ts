/**
 * `npm run bench -w device-agent`: host speed of the shared-weight runtime, accuracy, package
 * sizes, extraction overhead, cost-model cycles, the mode-policy table and reader fuzzing. Writes
 * bench/results/runtime.json and prints a table. It measures the trained models in bench/models/
 * (`npm run models -w search`; the root `npm run bench` runs that first); without them it says so
 * and falls back to random weights, which give no accuracy and no policy table. Timings are
 * medians of interleaved repetitions in one process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePackage } from '../format/writer.js';
import { fuzzReader } from './fuzz.js';
import { loadBenchModels } from './bench-models.js';
import { benchTrainedNetwork } from './trained-bench.js';
import { benchRandomNetwork, randomMagnitudeSpec, RANDOM_NETWORKS, SPARSITY } from './random-bench.js';
import { randomBlockSpec } from '../format/random-spec.js';
import type { PolicyRow, PolicyScenario } from './policy-table.js';

type TrainedResult = ReturnType<typeof benchTrainedNetwork>;
/** What both benches report; the trained one adds accuracy, policy costs and the policy table. */
type NetworkResult = ReturnType<typeof benchRandomNetwork> & Partial<Pick<TrainedResult, 'denseAccuracy' | 'policy' | 'policyProfile'>>;

function main() {
  const started = Date.now();
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const modelsDir = join(root, 'bench/models');
  const trained = loadBenchModels(modelsDir);
  if (!trained) {
    console.log(`NO TRAINED MODELS in ${modelsDir}: run \`npm run models -w search\` (the root \`npm run bench\` does).`);
    console.log('Falling back to random weights: no accuracy, no mode-policy table.');
  }
  const networks: NetworkResult[] = trained
    ? trained.networks.map((n) => benchTrainedNetwork(n, trained.test, trained.manifest.profile))
    : Object.entries(RANDOM_NETWORKS).map(([n, d]) => benchRandomNetwork(n, d));
  const fuzzCases = Number(process.env.EVE_FUZZ_CASES ?? 100_000);
  // half the cases on a row-prefix package, half on a block1x4 one
  const fuzzRow = fuzzReader(writePackage(randomMagnitudeSpec([64, 32, 10], SPARSITY, 'rowPrefixSparse', 2)), Math.ceil(fuzzCases / 2), 7);
  const fuzzBlock = fuzzReader(writePackage(randomBlockSpec(2, [64, 32, 10])), Math.floor(fuzzCases / 2), 8);
  const fuzz = {
    cases: fuzzRow.cases + fuzzBlock.cases, rejected: fuzzRow.rejected + fuzzBlock.rejected, accepted: fuzzRow.accepted + fuzzBlock.accepted,
    crashes: fuzzRow.crashes + fuzzBlock.crashes, hangs: fuzzRow.hangs + fuzzBlock.hangs, slowestMs: Math.max(fuzzRow.slowestMs, fuzzBlock.slowestMs),
    firstCrash: fuzzRow.firstCrash ?? fuzzBlock.firstCrash,
  };
  const result = { date: new Date().toISOString(), node: process.version, weights: trained ? 'trained' : 'random', modelsSeed: trained?.manifest.seed ?? null, networks, fuzz, durationS: (Date.now() - started) / 1000 };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/runtime.json'), JSON.stringify(result, null, 2) + '\n');
  printTable(networks, fuzz);
  if (fuzz.crashes > 0 || fuzz.hangs > 0) process.exitCode = 1;
}

const f = (v: number, d = 2) => v.toFixed(d);
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '    -  ' : `${f(v * 100, 2).padStart(6)} %`);

function printTable(networks: NetworkResult[], fuzz: { cases: number; rejected: number; accepted: number; crashes: number; hangs: number; slowestMs: number; firstCrash?: string }) {
  for (const n of networks) {
    console.log(`\n${n.network} (${n.weights} weights, formats ${n.kernelFormats.join(', ')}): dense ${f(n.denseHostUs, 1)} µs/inference on this host (float32, batch 1)${n.denseAccuracy !== undefined ? `, dense accuracy ${pct(n.denseAccuracy)}` : ''}`);
    console.log('mode  sparsity  accuracy  host µs  hostSpeedup  cycleSpeedup(MSP430)  cycleSpeedup(M4F)');
    for (const m of n.modes) console.log(`${m.mode}     ${f(m.sparsity * 100, 1).padStart(5)} %  ${pct(m.accuracy)}  ${f(m.hostUs, 1).padStart(7)}  ${f(m.hostSpeedup).padStart(10)}x  ${f(m.cycleSpeedup).padStart(19)}x  ${f(m.cycleSpeedupM4F).padStart(16)}x`);
    console.log(`geomean host ${f(n.geomeanHostSpeedup)}x, cycles MSP430 ${f(n.geomeanCycleSpeedup)}x, M4F ${f(n.geomeanCycleSpeedupM4F)}x; extraction ${f(n.extractUs, 3)} µs = ${f(n.extractionOverhead * 100, 3)} % of a sparsest inference`);
    console.log(`bytes: package ${n.packageBytes}, densest mode alone ${n.densestModeBytes} (${f(n.packageBytes / n.densestModeBytes, 3)}x), modes stored separately ${n.separateModelsBytes}, dense model ${n.denseModelBytes}`);
    for (const p of n.policy ?? []) printPolicy(n.network, p.rows, p.scenario, n.policyProfile!);
  }
  console.log(`\nfuzz: ${fuzz.cases} mutated packages (row-prefix and block1x4), ${fuzz.rejected} rejected with typed errors, ${fuzz.accepted} accepted, ${fuzz.crashes} crashes, ${fuzz.hangs} hangs (slowest ${f(fuzz.slowestMs, 2)} ms)`);
  if (fuzz.firstCrash) console.log(`first crash: ${fuzz.firstCrash}`);
  console.log('wrote bench/results/runtime.json');
}

function printPolicy(network: string, rows: PolicyRow[], scenario: PolicyScenario, profile: string) {
  console.log(`correct inferences per hour, ${network}, modes priced by the ${profile} cost model (${scenario.name}):`);
  console.log('trace           multi-mode  densest only  sparsest only  dense unpruned  multi-mode wins');
  for (const p of rows) console.log(`${p.trace.padEnd(14)} ${f(p.multiMode, 0).padStart(11)} ${f(p.densestOnly, 0).padStart(13)} ${f(p.sparsestOnly, 0).padStart(14)} ${f(p.denseUnpruned, 0).padStart(15)}  ${p.multiModeWins ? 'yes' : 'NO'}`);
}

main();
