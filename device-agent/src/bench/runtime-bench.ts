/**
 * `npm run bench -w device-agent`: host speed of the shared-weight runtime, package sizes,
 * extraction overhead, cost-model cycles, and reader fuzzing. Writes bench/results/runtime.json
 * and prints a table. Weights are He-initialised random numbers with nested magnitude masks at
 * 50/80/90 % (the stand-in until the search's trained models are wired in), so this
 * reports no accuracy. Timings are medians of interleaved repetitions in one process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePackage } from '../format/writer.js';
import { readPackage } from '../format/reader.js';
import type { ModelSpec } from '../format/model-spec.js';
import { createWorkspace, extract, type RunnableModel } from '../runtime/extract.js';
import { estimateInference, getProfile } from '../cost/cost-model.js';
import { mulberry32 } from '../harvest/generators.js';
import { fuzzReader } from './fuzz.js';
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
const NETWORKS: Record<string, number[]> = { 'lenet-300-100': [784, 300, 100, 10], 'mlp-small': [784, 128, 64, 10] };

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
}

/** Random network; keep[i] by per-layer magnitude rank: nested by construction. */
function spec(dims: number[], modes: number[], format: 'dense' | 'rowPrefixSparse', seed: number): ModelSpec {
  const u = mulberry32(seed);
  const layers: ModelSpec['layers'] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const [cin, cout] = [dims[l]!, dims[l + 1]!];
    const weights = Float32Array.from({ length: cin * cout }, () => gaussian(u) * Math.sqrt(2 / cin));
    const order = Array.from(weights.keys()).sort((a, b) => Math.abs(weights[b]!) - Math.abs(weights[a]!));
    const keep = new Int8Array(weights.length).fill(-1);
    for (let m = modes.length - 1; m >= 0; m--) {
      const kept = Math.round(weights.length * (1 - modes[m]!));
      for (let r = 0; r < kept; r++) if (keep[order[r]!] === -1) keep[order[r]!] = m;
    }
    layers.push({ kind: 'dense', inFeatures: cin, outFeatures: cout, weights, bias: new Float32Array(cout), keep, format });
    if (l + 2 < dims.length) layers.push({ kind: 'relu' });
  }
  return { name: 'bench', input: [1, 1, dims[0]!], outputs: dims[dims.length - 1]!, modes: modes.map((_, i) => ({ name: `m${i}` })), layers };
}

function timePerCall(fn: () => void, minMs = 40): number {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs) return dt / n;
    n *= 2;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function benchNetwork(name: string, dims: number[]) {
  const x = Float32Array.from({ length: dims[0]! }, (_, i) => (i % 7) / 7);
  const shared = readPackage(writePackage(spec(dims, SPARSITY, 'rowPrefixSparse', 1)));
  const dense = readPackage(writePackage(spec(dims, [0], 'dense', 1)));
  const ws = createWorkspace(shared); // allocated once per package, as a board does at deploy
  const models: RunnableModel[] = shared.modes.map((_, m) => extract(shared, m, ws));
  const denseModel = extract(dense, 0);
  const reps = 9;
  const tDense: number[] = [];
  const tModes: number[][] = models.map(() => []);
  for (let r = 0; r < reps; r++) {
    tDense.push(timePerCall(() => denseModel.run(x)));
    models.forEach((m, k) => tModes[k]!.push(timePerCall(() => m.run(x))));
  }
  const denseUs = median(tDense) * 1e3;
  const sparsest = models.length - 1;
  const extractUs = median(Array.from({ length: reps }, () => timePerCall(() => extract(shared, sparsest, ws)))) * 1e3;
  const separate = SPARSITY.map((s) => writePackage(spec(dims, [s], 'rowPrefixSparse', 1)).length);
  const m4 = getProfile('stm32l476-m4f');
  const msp = getProfile('msp430fr5994');
  const cyc = (p: typeof m4, m: RunnableModel) => estimateInference(p, m.ops, dims[0]!).cycles;
  const modes = models.map((m, k) => {
    const us = median(tModes[k]!) * 1e3;
    return {
      mode: k,
      sparsity: shared.modes[k]!.sparsity,
      accuracy: null,
      hostUs: us,
      hostSpeedup: denseUs / us,
      cycleSpeedupM4F: cyc(m4, denseModel) / cyc(m4, m),
      cycleSpeedupMsp430Float: cyc(msp, denseModel) / cyc(msp, m),
    };
  });
  const geo = (xs: number[]) => Math.exp(xs.reduce((s, v) => s + Math.log(v), 0) / xs.length);
  return {
    network: name,
    denseHostUs: denseUs,
    modes,
    geomeanHostSpeedup: geo(modes.map((m) => m.hostSpeedup)),
    geomeanCycleSpeedupM4F: geo(modes.map((m) => m.cycleSpeedupM4F)),
    extractUs,
    extractionOverhead: extractUs / (median(tModes[sparsest]!) * 1e3),
    packageBytes: shared.stats.packageBytes,
    densestModeBytes: separate[0]!,
    separateModelsBytes: separate.reduce((a, b) => a + b, 0),
    denseModelBytes: dense.stats.packageBytes,
  };
}

function main() {
  const started = Date.now();
  const networks = Object.entries(NETWORKS).map(([n, d]) => benchNetwork(n, d));
  const fuzzCases = Number(process.env.EVE_FUZZ_CASES ?? 100_000);
  const fuzz = fuzzReader(writePackage(spec([64, 32, 10], SPARSITY, 'rowPrefixSparse', 2)), fuzzCases, 7);
  const policy = policyTable();
  const result = { date: new Date().toISOString(), node: process.version, networks, fuzz, policy, durationS: (Date.now() - started) / 1000 };
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/runtime.json'), JSON.stringify(result, null, 2) + '\n');
  const f = (v: number, d = 2) => v.toFixed(d);
  for (const n of networks) {
    console.log(`\n${n.network}: dense ${f(n.denseHostUs, 1)} µs/inference on this host (float32, batch 1)`);
    console.log('mode  sparsity  host µs  hostSpeedup  cycleSpeedup(M4F)  cycleSpeedup(MSP430 soft-float)');
    for (const m of n.modes) console.log(`${m.mode}     ${f(m.sparsity * 100, 1).padStart(5)} %  ${f(m.hostUs, 1).padStart(7)}  ${f(m.hostSpeedup).padStart(10)}x  ${f(m.cycleSpeedupM4F).padStart(16)}x  ${f(m.cycleSpeedupMsp430Float).padStart(10)}x`);
    console.log(`geomean host ${f(n.geomeanHostSpeedup)}x, cycles (M4F) ${f(n.geomeanCycleSpeedupM4F)}x; extraction ${f(n.extractUs, 3)} µs = ${f(n.extractionOverhead * 100, 3)} % of a sparsest inference`);
    console.log(`bytes: package ${n.packageBytes}, densest mode alone ${n.densestModeBytes} (${f(n.packageBytes / n.densestModeBytes, 3)}x), three separate models ${n.separateModelsBytes}, dense model ${n.denseModelBytes}`);
  }
  console.log('\ncorrect inferences per hour (1 request/s): trace, multi-mode, densest only, sparsest only, dense unpruned');
  for (const p of policy) console.log(`${p.trace.padEnd(14)} ${f(p.multiMode, 0).padStart(7)} ${f(p.densestOnly, 0).padStart(7)} ${f(p.sparsestOnly, 0).padStart(7)} ${f(p.denseUnpruned, 0).padStart(7)}`);
  console.log(`\nfuzz: ${fuzz.cases} mutated packages, ${fuzz.rejected} rejected with typed errors, ${fuzz.accepted} accepted, ${fuzz.crashes} crashes, ${fuzz.hangs} hangs (slowest ${f(fuzz.slowestMs, 2)} ms)`);
  if (fuzz.firstCrash) console.log(`first crash: ${fuzz.firstCrash}`);
  console.log('wrote bench/results/runtime.json');
  if (fuzz.crashes > 0 || fuzz.hangs > 0) process.exitCode = 1;
}

main();
