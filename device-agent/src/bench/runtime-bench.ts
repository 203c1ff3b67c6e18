/**
 * `npm run bench -w device-agent`: host speed of the shared-weight runtime, package sizes,
 * extraction overhead, cost-model cycles, int8 kernels, instruction counts of the generated C, and
 * reader fuzzing. Writes bench/results/runtime.json and prints a table. Networks: every trained
 * package in bench/models/*.eve (with MNIST accuracy, float32 and int8), plus random stand-ins
 * (He-initialised, nested magnitude masks at 50/80/90 %, no accuracy) for LeNet-300-100 and LeNet-5
 * when no trained package of that name is there. Timings are medians of interleaved repetitions
 * in one process.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePackage } from '../format/writer.js';
import { readPackage } from '../format/reader.js';
import type { ModelSpec } from '../format/model-spec.js';
import { createWorkspace, extract, type RunnableModel } from '../runtime/extract.js';
import { estimateInference, getProfile } from '../cost/cost-model.js';
import { mulberry32 } from '../harvest/generators.js';
import { fuzzReader } from './fuzz.js';
import { argmax } from '../runtime/kernels.js';
import { randomSpec } from '../format/random-spec.js';
import { quantize } from '../quant/quantize.js';
import { specFromPackage } from '../format/spec-from-package.js';
import { int8Columns, type LabelledInputs } from './int8-bench.js';
import { mnistForBench, type MnistForBench } from './mnist-for-bench.js';
import { randomNetwork } from './random-network.js';
import { geomean, interleavedMedians, median, timePerCall } from './timing.js';
import { bundledTraces } from '../harvest/bundled.js';
import { DEFAULT_POLICY, selectMode, singleModelPolicy, type ModeCost } from '../policy/mode-policy.js';
import { simulateIntermittent } from '../policy/intermittent-sim.js';

/**
 * Mode-policy table: correct inferences per hour on each bundled trace, one request a second,
 * 100 µF rail capacitor. Mode costs are those `npm run demo` measured on the virtual STM32L476
 * (BENCHMARKS.md), passed in as data.
 */
function policyTable() {
  const modes: ModeCost[] = [
    { energyJ: 79.8e-6, latencyS: 3563e-6, accuracy: 0.974 },
    { energyJ: 25.2e-6, latencyS: 1117e-6, accuracy: 0.970 },
    { energyJ: 16.1e-6, latencyS: 709e-6, accuracy: 0.955 },
  ];
  const dense: ModeCost[] = [{ energyJ: 122.8e-6, latencyS: 5553e-6, accuracy: 0.968 }];
  const storage = { capacitanceF: 100e-6, maxV: 3.3, brownOutV: 1.8 };
  return bundledTraces().map((trace) => {
    const run = (m: ModeCost[], policy: typeof selectMode) =>
      simulateIntermittent({ trace, storage, modes: m, periodS: 1, sleepPowerW: 4.6e-6, policy, options: DEFAULT_POLICY }).correctPerHour;
    return {
      trace: trace.name,
      provenance: trace.provenance,
      multiMode: run(modes, selectMode),
      densestOnly: run(modes, singleModelPolicy(0)),
      sparsestOnly: run(modes, singleModelPolicy(2)),
      denseUnpruned: run(dense, singleModelPolicy(0)),
    };
  });
}

const SPARSITY = [0.5, 0.8, 0.9];
const TEST_IMAGES = 2000;

/** The spec with only mode `k` (as if stored on its own). */
function singleMode(spec: ModelSpec, k: number): ModelSpec {
  return {
    ...spec,
    modes: [spec.modes[k]!],
    layers: spec.layers.map((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? { ...l, keep: l.keep.map((v) => (v >= k ? 0 : -1)) } : l)),
  };
}

/** The same network stored dense: every weight kept, one mode, dense kernels (the baseline). */
function denseOf(spec: ModelSpec): ModelSpec {
  return {
    ...spec,
    modes: [{ name: 'dense' }],
    layers: spec.layers.map((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? { ...l, keep: new Int8Array(l.keep.length), format: 'dense' as const } : l)),
  };
}

function floatAccuracy(m: RunnableModel, test: LabelledInputs | undefined): number | null {
  if (!test) return null;
  let ok = 0;
  test.images.forEach((x, i) => { if (argmax(m.runUint8(x)) === test.labels[i]) ok++; });
  return ok / test.images.length;
}

/** `shared`: a float32 multi-mode spec; accuracy only when `test` is given (trained models). */
function benchNetwork(name: string, sharedSpec: ModelSpec, source: string, mnist: MnistForBench | undefined, test: LabelledInputs | undefined) {
  const inputLength = sharedSpec.input[0] * sharedSpec.input[1] * sharedSpec.input[2];
  const x8 = Uint8Array.from({ length: inputLength }, (_, i) => (i % 7) * 36);
  const x = Float32Array.from(x8, (p) => p / 255);
  const shared = readPackage(writePackage(sharedSpec));
  const dense = readPackage(writePackage(denseOf(sharedSpec)));
  const ws = createWorkspace(shared); // allocated once per package, as a board does at deploy
  const models: RunnableModel[] = shared.modes.map((_, m) => extract(shared, m, ws));
  const denseModel = extract(dense, 0);
  const [denseMs, ...modeMs] = interleavedMedians([() => denseModel.run(x), ...models.map((m) => () => m.run(x))]);
  const denseUs = denseMs! * 1e3;
  const sparsest = models.length - 1;
  const extractUs = median(Array.from({ length: 9 }, () => timePerCall(() => extract(shared, sparsest, ws)))) * 1e3;
  const separate = shared.modes.map((_, k) => writePackage(singleMode(sharedSpec, k)).length);
  const m4 = getProfile('stm32l476-m4f');
  const msp = getProfile('msp430fr5994');
  const cyc = (p: typeof m4, m: RunnableModel) => estimateInference(p, m.ops, inputLength).cycles;
  const u = mulberry32(5);
  const calibration = mnist?.calibration ?? Array.from({ length: 64 }, () => Uint8Array.from({ length: inputLength }, () => Math.floor(u() * 256)));
  const q = int8Columns(sharedSpec, denseOf(sharedSpec), calibration, x8, msp, test);
  const modes = models.map((m, k) => {
    const us = modeMs[k]! * 1e3;
    return {
      mode: k,
      sparsity: shared.modes[k]!.sparsity,
      accuracy: floatAccuracy(m, test),
      int8Accuracy: q.modes[k]!.int8Accuracy,
      hostUs: us,
      hostSpeedup: denseUs / us,
      int8Us: q.modes[k]!.int8Us,
      int8Speedup: q.modes[k]!.int8Speedup,
      // MSP430FR5994 in its own number format (int8: it has no FPU)
      cycleSpeedup: q.modes[k]!.cycleSpeedup,
      cycleSpeedupM4F: cyc(m4, denseModel) / cyc(m4, m),
      cycleSpeedupMsp430Float: cyc(msp, denseModel) / cyc(msp, m),
      cInstr: q.modes[k]!.cInstr,
      cInstrSpeedup: q.modes[k]!.cInstrSpeedup,
      cInstrSpeedupSimd: q.modes[k]!.cInstrSpeedupSimd,
    };
  });
  const speedups = (f: (m: (typeof modes)[number]) => number | null) => {
    const xs = modes.map(f);
    return xs.every((v): v is number => v !== null) ? geomean(xs) : null;
  };
  return {
    network: name,
    source,
    denseHostUs: denseUs,
    denseInt8Us: q.denseInt8Us,
    denseCInstr: q.denseCInstr,
    denseCInstrSimd: q.denseCInstrSimd,
    cNote: q.cNote,
    modes,
    geomeanHostSpeedup: speedups((m) => m.hostSpeedup)!,
    geomeanInt8Speedup: speedups((m) => m.int8Speedup)!,
    geomeanCycleSpeedup: speedups((m) => m.cycleSpeedup)!,
    geomeanCycleSpeedupM4F: speedups((m) => m.cycleSpeedupM4F)!,
    geomeanCInstrSpeedup: speedups((m) => m.cInstrSpeedup),
    geomeanCInstrSpeedupSimd: speedups((m) => m.cInstrSpeedupSimd),
    extractUs,
    extractionOverhead: extractUs / (modeMs[sparsest]! * 1e3),
    packageBytes: shared.stats.packageBytes,
    densestModeBytes: separate[0]!,
    separateModelsBytes: separate.reduce((a, b) => a + b, 0),
    denseModelBytes: dense.stats.packageBytes,
  };
}

/** Trained float32 packages in bench/models/*.eve (from the search workspace), else random stand-ins. */
function benchModels(root: string): Array<{ name: string; spec: ModelSpec; source: string; trained: boolean }> {
  const dir = join(root, 'bench/models');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eve')).sort() : [];
  const trained = files.map((f) => {
    const pkg = readPackage(new Uint8Array(readFileSync(join(dir, f))));
    return { name: basename(f, '.eve'), spec: specFromPackage(pkg), source: `bench/models/${f}`, trained: true };
  });
  const random = ['lenet-300-100', 'lenet-5']
    .filter((n) => !trained.some((t) => t.name === n))
    .map((n) => ({ name: n, spec: randomNetwork(n, SPARSITY, 'rowPrefixSparse', 1), source: 'random weights, magnitude masks 50/80/90 %', trained: false }));
  return [...trained, ...random];
}

function main() {
  const started = Date.now();
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const mnist = mnistForBench(TEST_IMAGES, 256);
  const networks = benchModels(root).map((b) => benchNetwork(b.name, b.spec, b.source, mnist, b.trained ? mnist?.test : undefined));
  const fuzzCases = Number(process.env.EVE_FUZZ_CASES ?? 100_000);
  const fuzz = fuzzReader(writePackage(randomSpec(2, [64, 32, 10])), fuzzCases, 7);
  // the int8 layout too (scales section, int32 bias), each accepted package run through extractInt8
  const calibration = [Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256)];
  const fuzzInt8 = fuzzReader(writePackage(quantize(randomSpec(2, [64, 32, 10]), calibration)), fuzzCases, 8);
  const policy = policyTable();
  const result = { date: new Date().toISOString(), node: process.version, networks, fuzz, fuzzInt8, policy, durationS: (Date.now() - started) / 1000 };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/runtime.json'), JSON.stringify(result, null, 2) + '\n');
  const f = (v: number, d = 2) => v.toFixed(d);
  const pct = (v: number | null) => (v === null ? '    -' : (v * 100).toFixed(1).padStart(5));
  const x = (v: number | null, w = 6) => (v === null ? '-'.padStart(w) : `${f(v)}x`.padStart(w));
  for (const n of networks) {
    console.log(`\n${n.network} (${n.source}): dense ${f(n.denseHostUs, 1)} µs float32, ${f(n.denseInt8Us, 1)} µs int8 on this host (batch 1); dense C ${n.denseCInstr === null ? '-' : Math.round(n.denseCInstr)} instructions scalar, ${n.denseCInstrSimd === null ? '-' : Math.round(n.denseCInstrSimd)} with SSE`);
    console.log('mode  sparsity  acc f32  acc int8  hostSpeedup  int8Speedup  cycleSpeedup(MSP430 int8)  cycle(M4F f32)  cInstrSpeedup  (SSE -O2)');
    for (const m of n.modes) console.log(`${m.mode}     ${f(m.sparsity * 100, 1).padStart(5)} %  ${pct(m.accuracy)} %  ${pct(m.int8Accuracy)} %   ${x(m.hostSpeedup, 10)}  ${x(m.int8Speedup, 11)}  ${x(m.cycleSpeedup, 25)}  ${x(m.cycleSpeedupM4F, 14)}  ${x(m.cInstrSpeedup, 13)}  ${x(m.cInstrSpeedupSimd, 9)}`);
    console.log(`geomean: host ${f(n.geomeanHostSpeedup)}x, int8 ${f(n.geomeanInt8Speedup)}x, cycles MSP430 int8 ${f(n.geomeanCycleSpeedup)}x, M4F ${f(n.geomeanCycleSpeedupM4F)}x, C instructions ${n.geomeanCInstrSpeedup === null ? '-' : `${f(n.geomeanCInstrSpeedup)}x`} scalar, ${n.geomeanCInstrSpeedupSimd === null ? '-' : `${f(n.geomeanCInstrSpeedupSimd)}x`} with SSE (${n.cNote})`);
    console.log(`extraction ${f(n.extractUs, 3)} µs = ${f(n.extractionOverhead * 100, 3)} % of a sparsest inference`);
    console.log(`bytes: package ${n.packageBytes}, densest mode alone ${n.densestModeBytes} (${f(n.packageBytes / n.densestModeBytes, 3)}x), separate models ${n.separateModelsBytes}, dense model ${n.denseModelBytes}`);
  }
  console.log('\ncorrect inferences per hour (1 request/s): trace, multi-mode, densest only, sparsest only, dense unpruned');
  for (const p of policy) console.log(`${p.trace.padEnd(14)} ${f(p.multiMode, 0).padStart(7)} ${f(p.densestOnly, 0).padStart(7)} ${f(p.sparsestOnly, 0).padStart(7)} ${f(p.denseUnpruned, 0).padStart(7)}`);
  console.log(`\nfuzz: ${fuzz.cases} mutated packages, ${fuzz.rejected} rejected with typed errors, ${fuzz.accepted} accepted, ${fuzz.crashes} crashes, ${fuzz.hangs} hangs (slowest ${f(fuzz.slowestMs, 2)} ms)`);
  if (fuzz.firstCrash) console.log(`first crash: ${fuzz.firstCrash}`);
  console.log(`fuzz (int8 package): ${fuzzInt8.cases} mutated, ${fuzzInt8.rejected} rejected, ${fuzzInt8.accepted} accepted, ${fuzzInt8.crashes} crashes, ${fuzzInt8.hangs} hangs (slowest ${f(fuzzInt8.slowestMs, 2)} ms)`);
  if (fuzzInt8.firstCrash) console.log(`first crash: ${fuzzInt8.firstCrash}`);
  console.log('wrote bench/results/runtime.json');
  if (fuzz.crashes + fuzz.hangs + fuzzInt8.crashes + fuzzInt8.hangs > 0) process.exitCode = 1;
}

main();
