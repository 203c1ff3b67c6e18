/**
 * The analytic MCU cost model: cycles and energy of one inference from the operations each layer
 * executes (device-agent's LayerOps) and a device profile's per-operation costs. The virtual board
 * advances its clock by exactly this, so the model and the simulator cannot disagree.
 */
import { EveError } from '../errors/eve-error.js';
import type { LayerOps } from '../runtime/extract.js';
import type { KernelFormat } from '../format/model-spec.js';
import type { DeviceProfile, Dtype } from './device-profile.js';
import { msp430fr5994 } from './profiles/msp430fr5994.js';
import { stm32l476M4f } from './profiles/stm32l476-m4f.js';

const PROFILES: Record<string, DeviceProfile> = {
  [stm32l476M4f.name]: stm32l476M4f,
  [msp430fr5994.name]: msp430fr5994,
};

export function profileNames(): string[] {
  return Object.keys(PROFILES);
}

export function getProfile(name: string): DeviceProfile {
  const p = PROFILES[name];
  if (!p) throw new EveError('PROFILE_UNKNOWN', `unknown device profile '${name}' (known: ${profileNames().join(', ')})`);
  return p;
}

export interface InferenceCost {
  cycles: number;
  seconds: number;
  activeCurrentA: number;
  /** At the profile's nominal voltage. */
  energyJ: number;
  perLayer: number[];
}

/** Cycles per executed MAC for a kernel format and number type. */
export function macCost(p: DeviceProfile, format: KernelFormat, dtype: Dtype): number {
  const c = p.cycles;
  const [dense, sparse, block] = dtype === 'int8' ? [c.denseMacI8, c.sparseMacI8, c.blockMacI8] : [c.denseMacF32, c.sparseMacF32, c.blockMacF32];
  return format === 'dense' ? dense : format === 'block1x4' ? block : sparse;
}

/**
 * One layer's cycles: per executed MAC the loads (weight, activation, and for sparse rows the
 * index and the indirect activation load), the MAC and the loop (folded into the profile's per-MAC
 * figure by its recipe); per output row the set-up, bias and the activation store; per activation
 * the element-wise layers' load-compare-store, or for a ReLU fused into the preceding layer the
 * compare on the value before it is stored. A conv's MACs are priced as the fully-connected
 * kernel's of the same format: the dense conv streams contiguous kernel rows and the sparse conv
 * gathers through precomputed taps, exactly as the dense and sparse fully-connected kernels do
 * (the dense conv's extra loop set-up per kernel row, kernelH per output, is not charged).
 */
export function layerCycles(p: DeviceProfile, op: LayerOps, dtype: Dtype = 'float32'): number {
  const c = p.cycles;
  const act = dtype === 'int8' ? c.perActivationI8 : c.perActivation;
  switch (op.kind) {
    case 'dense':
    case 'conv2d':
      return op.rows * c.perRow + op.macs * macCost(p, op.format ?? 'dense', dtype);
    case 'maxpool':
      return op.inputs * act; // one load and compare per input
    case 'relu':
      // fused: done on the value in a register before the weighted layer's store
      return op.fused ? op.outputs * (dtype === 'int8' ? c.fusedReluI8 : c.fusedRelu) : op.outputs * act;
    case 'softmax':
      // the int8 path ends in logits and argmax, skipping softmax (runtime/extract-int8.ts)
      return dtype === 'int8' ? 0 : op.outputs * c.perActivation * 10; // exp and divide per output (approx.)
    case 'flatten':
      return 0;
  }
}

/**
 * Cycles, time and energy of one inference of a mode whose layers execute `ops`, on profile `p`,
 * with `inputBytes` uint8 inputs scaled on arrival. Energy is at the profile's nominal voltage.
 */
export function estimateInference(p: DeviceProfile, ops: readonly LayerOps[], inputBytes: number, dtype: Dtype = 'float32'): InferenceCost {
  const perLayer = ops.map((op) => layerCycles(p, op, dtype));
  const perByte = dtype === 'int8' ? p.cycles.perInputByteI8 : p.cycles.perInputByte;
  const cycles = p.cycles.perInference + inputBytes * perByte + perLayer.reduce((s, x) => s + x, 0);
  const seconds = cycles / p.clockHz;
  return { cycles, seconds, activeCurrentA: p.activeCurrentA, energyJ: seconds * p.activeCurrentA * p.nominalVoltageV, perLayer };
}

/**
 * The faster of dense and row-prefix sparse for a layer of `rows` x `cols` weights whose rows keep
 * `keptPerRow` weights on average. The writer's per-layer choice over all modes and all formats
 * the masks allow is chooseLayerFormat (choose-format.ts).
 */
export function chooseFormat(p: DeviceProfile, rows: number, cols: number, keptPerRow: number, dtype: Dtype = 'float32'): 'dense' | 'rowPrefixSparse' {
  const dense = rows * (p.cycles.perRow + cols * macCost(p, 'dense', dtype));
  const sparse = rows * (p.cycles.perRow + keptPerRow * macCost(p, 'rowPrefixSparse', dtype));
  return sparse < dense ? 'rowPrefixSparse' : 'dense';
}
