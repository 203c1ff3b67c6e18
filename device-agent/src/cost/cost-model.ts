/**
 * The analytic MCU cost model: cycles and energy of one inference from the operations each layer
 * executes (device-agent's LayerOps) and a device profile's per-operation costs. The virtual board
 * advances its clock by exactly this, so the model and the simulator cannot disagree.
 */
import { EveError } from '../errors/eve-error.js';
import type { LayerOps } from '../runtime/extract.js';
import type { DeviceProfile } from './device-profile.js';
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

export function layerCycles(p: DeviceProfile, op: LayerOps): number {
  const c = p.cycles;
  switch (op.kind) {
    case 'dense':
    case 'conv2d':
      return op.rows * c.perRow + op.macs * (op.format === 'dense' ? c.denseMacF32 : c.sparseMacF32);
    case 'maxpool':
      return op.outputs * c.perActivation;
    case 'relu':
    case 'softmax':
      return op.outputs * c.perActivation * (op.kind === 'softmax' ? 10 : 1);
    case 'flatten':
      return 0;
  }
}

export function estimateInference(p: DeviceProfile, ops: LayerOps[], inputBytes: number): InferenceCost {
  const perLayer = ops.map((op) => layerCycles(p, op));
  const cycles = p.cycles.perInference + inputBytes * p.cycles.perInputByte + perLayer.reduce((s, x) => s + x, 0);
  const seconds = cycles / p.clockHz;
  return { cycles, seconds, activeCurrentA: p.activeCurrentA, energyJ: seconds * p.activeCurrentA * p.nominalVoltageV, perLayer };
}

/** The faster kernel format for a layer whose rows keep `keptPerRow` weights on average. */
export function chooseFormat(p: DeviceProfile, rows: number, cols: number, keptPerRow: number): 'dense' | 'rowPrefixSparse' {
  const dense = rows * (p.cycles.perRow + cols * p.cycles.denseMacF32);
  const sparse = rows * (p.cycles.perRow + keptPerRow * p.cycles.sparseMacF32);
  return sparse < dense ? 'rowPrefixSparse' : 'dense';
}
