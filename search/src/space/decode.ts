/**
 * The one decoder: a genome becomes a typed candidate (GenomeSpace.toCandidate), which is then
 * checked against what the evaluator can run and what the device holds, in this order:
 *
 *   number-format      the evaluator (its boards) cannot run the number format
 *   kernel-format      the evaluator cannot run a layer's kernel, the layer cannot be stored in it
 *                      (1x4 blocks need fully-connected rows in multiples of four), or the
 *                      runtime has no such kernel in the number format (no int8 1x4 blocks)
 *   distinct-modes     two neighbouring modes keep exactly the same weights (no new operating point)
 *   sparsity-floor     a mode keeps more of the weights than its floor allows (when floors are
 *                      asked for: mode k's overall weight sparsity, 1 − kept / all weights of
 *                      the weighted layers as the package counts it, must reach floor k)
 *   weight-memory      the package's weights exceed the non-volatile memory (FRAM/flash)
 *   activation-memory  the runtime's activation buffers exceed the SRAM
 *   deadline           even the fastest mode cannot finish before the next request
 *
 * Memory and latency are lower bounds computed from the layer shapes and device-agent's cost
 * model (stored weights, values and indices only; weighted layers' cycles only), so the decoder
 * never rejects a candidate that could fit; the objective checks the evaluated package and
 * latencies again (objective/harvest-objective.ts). A rejected candidate costs no evaluation.
 */
import { EveError, formatCycles, type DeviceProfile, type Dtype, type KernelFormat, type NumberFormat } from '@eve-bench/device-agent';
import { validateSparsity } from '../prune/nested-keep.js';
import { granularityOf, kernelOf, layerFormats, numberFormatOf, type Candidate, type Granularity } from './candidate.js';
import type { Genome, GenomeSpace } from './genome-space.js';
import type { LayerGeometry, NetworkGeometry } from './network-geometry.js';

/** The kernels device-agent's runtime has per number format (its reader refuses int8 block1x4 layers). */
export const RUNTIME_KERNELS: Record<NumberFormat, readonly KernelFormat[]> = {
  float32: ['dense', 'rowPrefixSparse', 'block1x4'],
  int8: ['dense', 'rowPrefixSparse'],
};

export type ConstraintName = 'number-format' | 'kernel-format' | 'distinct-modes' | 'sparsity-floor' | 'weight-memory' | 'activation-memory' | 'deadline';

/** What an evaluator can run (the analytic one: everything; boards: what their runtime has). */
export interface EvaluatorSupport {
  numberFormats: readonly NumberFormat[];
  kernelFormats: readonly KernelFormat[];
}

export interface DeviceConstraints {
  profile: DeviceProfile;
  /** Budget for the package's weights (default: the profile's non-volatile memory). */
  weightMemoryBytes?: number;
  /** Budget for activations (default: the profile's SRAM). */
  activationMemoryBytes?: number;
  /** Time between requests: every mode the policy runs must finish within it. */
  deadlineS: number;
}

export interface DecodeContext {
  geometry: NetworkGeometry;
  /** Without it, memory and deadline are not checked. */
  device?: DeviceConstraints;
  /** Without it, every number and kernel format is assumed to run. */
  supports?: EvaluatorSupport;
  /** Least overall weight sparsity per mode, densest first (e.g. [0.5, 0.8, 0.92]); modes past the list have none. */
  sparsityFloors?: readonly number[];
}

/** Lower bounds the checks used, for reports. */
export interface DecodeEstimate {
  weightBytes: number;
  activationBytes: number;
  /** Per mode, seconds. */
  latencyS: number[];
}

export type Decoded =
  | { feasible: true; candidate: Candidate; estimate: DecodeEstimate }
  | {
    feasible: false; candidate: Candidate; constraint: ConstraintName; violated: string;
    /**
     * How far past a budget the candidate is, as a fraction of it (memory, deadline), or 1 for a
     * constraint with no amount (formats, distinct modes): strategies climb out of infeasibility
     * along it.
     */
    excess: number;
  };

/** A candidate refused by the decoder's checks, naming the violated constraint. */
export class InfeasibleCandidateError extends EveError {
  constructor(readonly constraint: ConstraintName, message: string) {
    super('CANDIDATE_INFEASIBLE', message);
  }
}

export function decodeGenome(space: GenomeSpace, genome: Genome, ctx: DecodeContext): Decoded {
  return checkCandidate(space.toCandidate(genome), ctx);
}

/** Like checkCandidate, but an infeasible candidate throws InfeasibleCandidateError. */
export function requireFeasible(c: Candidate, ctx: DecodeContext): Candidate {
  const d = checkCandidate(c, ctx);
  if (!d.feasible) throw new InfeasibleCandidateError(d.constraint, d.violated);
  return d.candidate;
}

export function checkCandidate(c: Candidate, ctx: DecodeContext): Decoded {
  const layers = ctx.geometry.layers;
  validateSparsity(c.sparsity, layers.length);
  const no = (constraint: ConstraintName, violated: string, excess = 1): Decoded => ({ feasible: false, candidate: c, constraint, violated, excess });
  const dtype: Dtype = numberFormatOf(c);
  if (ctx.supports && !ctx.supports.numberFormats.includes(dtype)) return no('number-format', `number format: ${dtype} cannot run here (this evaluator runs ${ctx.supports.numberFormats.join(', ')})`);
  const formats = layerFormats(c);
  for (const [l, f] of formats.entries()) {
    if (ctx.supports && !ctx.supports.kernelFormats.includes(f)) return no('kernel-format', `kernel format: layer ${l} needs the ${f} kernel, this evaluator runs ${ctx.supports.kernelFormats.join(', ')}`);
    if (!RUNTIME_KERNELS[dtype].includes(f)) return no('kernel-format', `kernel format: layer ${l} needs the ${f} kernel, which the ${dtype} runtime does not have`);
    if (f === 'block1x4' && !layers[l]!.blockable) return no('kernel-format', `kernel format: layer ${l} (${layers[l]!.conv ? 'conv' : `${layers[l]!.cols} inputs`}) cannot be split into 1x4 blocks`);
  }
  const modes = c.sparsity.length;
  const kept = layers.map((g, l) => keptPerMode(g, kernelOf(c, l) === 'dense' ? null : granularityOf(c, l), c.sparsity.map((row) => row[l]!)));
  for (let m = 1; m < modes; m++) {
    if (kept.every((k) => k[m] === k[m - 1])) return no('distinct-modes', `distinct modes: mode ${m} keeps the same weights as mode ${m - 1}`);
  }
  const all = layers.reduce((s, g) => s + g.rows * g.cols, 0);
  for (const [m, floor] of (ctx.sparsityFloors ?? []).slice(0, modes).entries()) {
    const sparsity = 1 - kept.reduce((s, k) => s + k[m]!, 0) / all;
    // two decimals where one would print a refused 91.96 % as "92.0 %, its floor is 92.0 %"
    const pct = (v: number) => (v * 100).toFixed(Math.abs(floor - sparsity) < 0.001 ? 2 : 1);
    if (sparsity < floor) return no('sparsity-floor', `sparsity floor: mode ${m} is ${pct(sparsity)} % sparse, its floor is ${pct(floor)} %`, (floor - sparsity) / floor);
  }
  const valueBytes = dtype === 'int8' ? 1 : 4;
  const weightBytes = layers.reduce((s, g, l) => s + layerWeightBytes(g, formats[l]!, kept[l]![0]!, dtype), 0);
  const activationBytes = ctx.geometry.activationElements * valueBytes;
  const dev = ctx.device;
  const p = dev?.profile;
  const perByte = p ? (dtype === 'int8' ? p.cycles.perInputByteI8 : p.cycles.perInputByte) : 0;
  const latencyS = Array.from({ length: modes }, (_, m) => (p
    ? (p.cycles.perInference + ctx.geometry.inputElements * perByte + layers.reduce((s, g, l) => s + formatCycles(p, formats[l]!, { rows: g.rows, cols: g.cols, modes, conv: g.conv, positions: g.positions }, kept[l]!, dtype)[m]!, 0)) / p.clockHz
    : 0));
  const budgets = decodeContextBudgets(ctx);
  if (dev && budgets) {
    const wBudget = budgets.weightBytes;
    const aBudget = budgets.activationBytes;
    if (weightBytes > wBudget) return no('weight-memory', `weight memory: at least ${weightBytes} B of weights, ${wBudget} B available on ${dev.profile.name}`, weightBytes / wBudget - 1);
    if (activationBytes > aBudget) return no('activation-memory', `activation memory: ${activationBytes} B of ${dtype} activations, ${aBudget} B of SRAM on ${dev.profile.name}`, activationBytes / aBudget - 1);
    const fastest = Math.min(...latencyS);
    if (fastest > dev.deadlineS) return no('deadline', `deadline: the fastest mode takes at least ${(fastest * 1e3).toFixed(2)} ms, the deadline is ${(dev.deadlineS * 1e3).toFixed(2)} ms`, fastest / dev.deadlineS - 1);
  }
  return { feasible: true, candidate: c, estimate: { weightBytes, activationBytes, latencyS } };
}

/** The memory budgets the decoder checks against (none without a device). */
export function decodeContextBudgets(ctx: DecodeContext): { weightBytes: number; activationBytes: number } | undefined {
  const dev = ctx.device;
  return dev && { weightBytes: dev.weightMemoryBytes ?? dev.profile.memory.nonVolatileBytes, activationBytes: dev.activationMemoryBytes ?? dev.profile.memory.sramBytes };
}

/** A lower bound on a layer's stored bytes: its densest mode's values and indices, and a 4-byte bias per row. */
export function layerWeightBytes(g: LayerGeometry, format: KernelFormat, stored: number, dtype: Dtype): number {
  const index = format === 'rowPrefixSparse' ? 2 * stored : format === 'block1x4' ? 2 * (stored / 4) : 0;
  return stored * (dtype === 'int8' ? 1 : 4) + index + 4 * g.rows;
}

/**
 * Weights each mode keeps in one layer, rounded as the nested mask builders round
 * (prune/nested-keep, nested-block-keep, nested-channel-keep); `null` granularity: a dense kernel,
 * which keeps everything.
 */
export function keptPerMode(g: LayerGeometry, granularity: Granularity | null, sparsity: readonly number[]): number[] {
  const n = g.rows * g.cols;
  return sparsity.map((s) => {
    if (granularity === null) return n;
    if (granularity === 'channel') return Math.max(1, Math.round(g.rows * (1 - s))) * g.cols;
    if (granularity === 'block1x4' && g.blockable) return Math.max(1, Math.round((n / 4) * (1 - s))) * 4;
    return Math.max(1, Math.round(n * (1 - s)));
  });
}
