/**
 * The conv sweep of the runtime bench (bench/results/conv-sweep.json): how the conv layers' speedup
 * follows their sparsity. LeNet-5 with random He-initialised weights and nested magnitude masks,
 * measured three ways against the same network stored dense — host float32 and int8 (process CPU
 * time, batch 1), the cost model (MSP430FR5994 int8, Cortex-M4F float32) and instructions of the
 * generated C under callgrind — for
 *  - the whole network with modes whose per-layer sparsities (conv1, conv2, fc1, fc2, fc3) are
 *    those of a pruned LeNet-5 (convs gentler than the fully-connected layers), and
 *  - each conv layer alone (conv, fused ReLU) at sparsities from 30 % to 95 %, one mode each.
 */
import { readPackage } from '../format/reader.js';
import { writePackage } from '../format/writer.js';
import { specFromPackage } from '../format/decode-spec.js';
import { getProfile } from '../cost/cost-model.js';
import { int8Columns } from './int8-bench.js';
import { measureNetworkSpeed } from './network-speed.js';
import { BENCH_NETWORKS, randomNetwork, type ModeSparsity, type NetDef } from './random-network.js';
import { geomean } from './timing.js';

/** Per-layer sparsity (conv1, conv2, fc1, fc2, fc3) of the whole-network modes. */
export const LENET5_SWEEP_MODES: readonly number[][] = [
  [0.3, 0.5, 0.5, 0.5, 0.5],
  [0.5, 0.8, 0.8, 0.8, 0.8],
  [0.6, 0.9, 0.95, 0.95, 0.95],
];

/** Sparsities of the single-conv sweeps (a package holds up to 8 modes). */
export const CONV_SWEEP_SPARSITY = [0.3, 0.5, 0.6, 0.8, 0.9, 0.95];

/** LeNet-5's two convs on their own, with the input each sees inside the network. */
export const LENET5_CONVS: Record<string, NetDef> = {
  'lenet-5 conv1 (5x5x1 -> 6, 28x28 in)': { input: [28, 28, 1], layers: [{ type: 'conv2d', filters: 6, kernel: 5 }, { type: 'relu' }, { type: 'flatten' }] },
  'lenet-5 conv2 (5x5x6 -> 16, 12x12 in)': { input: [12, 12, 6], layers: [{ type: 'conv2d', filters: 16, kernel: 5 }, { type: 'relu' }, { type: 'flatten' }] },
};

export interface SweepMode {
  mode: number;
  /** Sparsity of each weighted layer in this mode. */
  layerSparsity: readonly number[];
  sparsity: number;
  hostSpeedup: number;
  int8Speedup: number;
  cycleSpeedupMsp430Int8: number;
  cycleSpeedupM4F: number;
  cInstrSpeedup: number | null;
  cInstrSpeedupSimd: number | null;
}

export interface SweepNetwork {
  network: string;
  denseHostUs: number;
  denseInt8Us: number;
  denseCInstr: number | null;
  modes: SweepMode[];
  geomean: { host: number; int8: number; cyclesMsp430Int8: number; cyclesM4F: number; cInstr: number | null };
}

/**
 * One network of the sweep. `calibration` are int8 calibration inputs (input-sized bytes); the
 * first also drives the timings.
 */
export function sweepNetwork(name: string, net: NetDef, modes: readonly ModeSparsity[], calibration: Uint8Array[]): SweepNetwork {
  const weighted = net.layers.filter((l) => l.type === 'dense' || l.type === 'conv2d').length;
  const sharedSpec = randomNetwork(name, net, modes, 'rowPrefixSparse', 1);
  const denseSpec = randomNetwork(name, net, [0], 'dense', 1);
  const [shared, dense] = [sharedSpec, denseSpec].map((s) => readPackage(writePackage(s)));
  const x8 = calibration[0]!;
  const x = Float32Array.from(x8, (v) => v / 255);
  const speed = measureNetworkSpeed(shared!, dense!, x, []);
  const q = int8Columns(specFromPackage(shared!), specFromPackage(dense!), calibration, x8, getProfile('msp430fr5994'));
  const out: SweepMode[] = speed.modes.map((m, k) => ({
    mode: k,
    layerSparsity: Array.from({ length: weighted }, (_, j) => { const s = modes[k]!; return typeof s === 'number' ? s : s[j]!; }),
    sparsity: m.sparsity,
    hostSpeedup: m.hostSpeedup,
    int8Speedup: q.modes[k]!.int8Speedup,
    cycleSpeedupMsp430Int8: q.modes[k]!.cycleSpeedup,
    cycleSpeedupM4F: m.cycleSpeedupM4F,
    cInstrSpeedup: q.modes[k]!.cInstrSpeedup,
    cInstrSpeedupSimd: q.modes[k]!.cInstrSpeedupSimd,
  }));
  const c = out.map((m) => m.cInstrSpeedup);
  return {
    network: name,
    denseHostUs: speed.summary.denseHostUs,
    denseInt8Us: q.denseInt8Us,
    denseCInstr: q.denseCInstr,
    modes: out,
    geomean: {
      host: geomean(out.map((m) => m.hostSpeedup)),
      int8: geomean(out.map((m) => m.int8Speedup)),
      cyclesMsp430Int8: geomean(out.map((m) => m.cycleSpeedupMsp430Int8)),
      cyclesM4F: geomean(out.map((m) => m.cycleSpeedupM4F)),
      cInstr: c.every((v): v is number => v !== null) ? geomean(c) : null,
    },
  };
}

/** The whole sweep; `calibrationFor(length)` gives int8 calibration inputs of that many bytes. */
export function convSweep(calibrationFor: (length: number) => Uint8Array[]): SweepNetwork[] {
  const inputLength = (n: NetDef) => n.input[0] * n.input[1] * n.input[2];
  const lenet5 = BENCH_NETWORKS['lenet-5']!;
  return [
    sweepNetwork('lenet-5', lenet5, LENET5_SWEEP_MODES, calibrationFor(inputLength(lenet5))),
    ...Object.entries(LENET5_CONVS).map(([name, net]) => sweepNetwork(name, net, CONV_SWEEP_SPARSITY, calibrationFor(inputLength(net)))),
  ];
}
