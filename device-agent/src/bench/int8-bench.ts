/**
 * The int8 columns of the runtime benchmark, per mode of a shared-weight package, each against
 * the same network stored dense: TS int8 kernels on this host (batch 1), MCU cycles from the cost
 * model in the profile's own number format (int8 on the MSP430FR5994), and instructions of the
 * generated C under callgrind (gcc -O2; one build for the dense network, one for the package).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSpec } from '../format/model-spec.js';
import type { EvePackage } from '../format/package-types.js';
import { readPackage } from '../format/reader.js';
import { writePackage } from '../format/writer.js';
import { estimateInference } from '../cost/cost-model.js';
import type { DeviceProfile } from '../cost/device-profile.js';
import { generateC } from '../export-c/generate-c.js';
import { buildHostHarness } from '../export-c/host-build.js';
import { quantize } from '../quant/quantize.js';
import { createInt8Workspace, extractInt8, type Int8Model } from '../runtime/extract-int8.js';
import { argmaxI8 } from '../runtime/int8-kernels.js';
import { instructionsPerInference, valgrindVersion } from './callgrind.js';
import { cpuClockMs, interleavedMedians } from './timing.js';

export interface Int8ModeColumns {
  int8Us: number;
  int8Speedup: number;
  /** Cost model, the profile in its number format. */
  cycleSpeedup: number;
  cInstr: number | null;
  /** Scalar build (-fno-tree-vectorize): the MCU cores we target have no vector unit. */
  cInstrSpeedup: number | null;
  /** Plain -O2, which lets gcc vectorize the dense kernels with the host's SSE. */
  cInstrSpeedupSimd: number | null;
  /** With labelled test data only. */
  int8Accuracy: number | null;
}

export interface Int8Columns {
  denseInt8Us: number;
  denseCInstr: number | null;
  denseCInstrSimd: number | null;
  modes: Int8ModeColumns[];
  cNote: string;
}

export interface LabelledInputs {
  images: Uint8Array[];
  labels: Uint8Array;
}

function accuracy(model: Int8Model, test: LabelledInputs | undefined): number | null {
  if (!test) return null;
  let ok = 0;
  test.images.forEach((x, i) => { if (argmaxI8(model.run(x)) === test.labels[i]) ok++; });
  return ok / test.images.length;
}

interface Counts { dense: number; modes: number[] }

/** Instructions per inference of the dense build and of each mode of the shared build, scalar and as gcc vectorizes. */
function cInstructions(qDense: EvePackage, q: EvePackage, pool: Uint8Array[], length: number, count: number): { scalar: Counts; simd: Counts } {
  const dir = mkdtempSync(join(tmpdir(), 'eve-bench-c-'));
  try {
    const inputs = new Uint8Array(count * length);
    for (let i = 0; i < count; i++) inputs.set(pool[i % pool.length]!, i * length);
    const run = (flags: string[], tag: string): Counts => {
      const [dd, sd] = [mkdtempSync(join(dir, `dense-${tag}-`)), mkdtempSync(join(dir, `shared-${tag}-`))];
      const exe = buildHostHarness(generateC(q), sd, flags);
      return {
        dense: instructionsPerInference(buildHostHarness(generateC(qDense), dd, flags), 0, inputs, count, dd),
        modes: q.modes.map((_, m) => instructionsPerInference(exe, m, inputs, count, sd)),
      };
    };
    return { scalar: run(['-fno-tree-vectorize'], 'scalar'), simd: run([], 'simd') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `shared` and `dense` are float32 specs of the same network; `calibration` drives quantize(). */
export function int8Columns(shared: ModelSpec, dense: ModelSpec, calibration: Uint8Array[], x: Uint8Array, msp: DeviceProfile, test?: LabelledInputs, cInputs = 20): Int8Columns {
  const q = readPackage(writePackage(quantize(shared, calibration)));
  const qDense = readPackage(writePackage(quantize(dense, calibration)));
  const ws = createInt8Workspace(q);
  const models = q.modes.map((_, m) => extractInt8(q, m, ws));
  const denseModel = extractInt8(qDense, 0);
  const [denseMs, ...modeMs] = interleavedMedians([() => denseModel.run(x), ...models.map((m) => () => m.run(x))], 9, cpuClockMs);
  const cyc = (m: Int8Model) => estimateInference(msp, m.ops, x.length, msp.numberFormat).cycles;

  const c = valgrindVersion() ? cInstructions(qDense, q, calibration.length ? calibration : [x], x.length, cInputs) : undefined;
  return {
    denseInt8Us: denseMs! * 1e3,
    denseCInstr: c?.scalar.dense ?? null,
    denseCInstrSimd: c?.simd.dense ?? null,
    cNote: c ? `${valgrindVersion()}, gcc -std=c99 -O2 (scalar: -fno-tree-vectorize), ${cInputs} inputs, instructions inside eve_infer` : 'valgrind missing: apt-get install -y valgrind',
    modes: models.map((m, k) => ({
      int8Us: modeMs[k]! * 1e3,
      int8Speedup: denseMs! / modeMs[k]!,
      cycleSpeedup: cyc(denseModel) / cyc(m),
      cInstr: c?.scalar.modes[k] ?? null,
      cInstrSpeedup: c ? c.scalar.dense / c.scalar.modes[k]! : null,
      cInstrSpeedupSimd: c ? c.simd.dense / c.simd.modes[k]! : null,
      int8Accuracy: accuracy(m, test),
    })),
  };
}
