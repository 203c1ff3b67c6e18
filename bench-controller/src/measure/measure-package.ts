/**
 * Deploy one package to one board and measure every mode: latency from the board's own
 * timestamps, active energy from the supply over a window of back-to-back inferences, and,
 * when labels are given, the accuracy of the predictions the board itself returned.
 */
import type { EvePackage } from '@eve-bench/device-agent';
import type { BoardClient, DeployReport } from '../boards/board-client.js';
import type { PowerSupply } from '../instruments/psu/power-supply.js';
import type { HarvestReplayer } from '../harvest/replayer.js';
import { measureWindow, type Precision, type WindowMeasurement } from './energy-window.js';
import type { ReadbackStream } from './readback-stream.js';

export interface BenchBoard {
  id: string;
  client: BoardClient;
  psu: PowerSupply;
  channel: number;
  readbacks: ReadbackStream;
  replayer?: HarvestReplayer;
  /** How precisely each mode's energy is measured (windows are repeated until it is reached). */
  precision: Precision;
}

export interface ModeMeasurement extends WindowMeasurement {
  mode: number;
  name: string;
  sparsity: number;
  /** Share of the window's predictions that matched the labels (undefined without labels). */
  boardAccuracy?: number;
}

export interface PackageMeasurement {
  board: string;
  deploy: DeployReport;
  modes: ModeMeasurement[];
}

export interface MeasureHooks {
  onDeployed?(board: BenchBoard, deploy: DeployReport): void | Promise<void>;
  onMode?(board: BenchBoard, m: ModeMeasurement, pkg: EvePackage): void | Promise<void>;
}

export async function measurePackage(
  b: BenchBoard,
  pkg: EvePackage,
  bytes: Uint8Array,
  inputs: Uint8Array[],
  labels: Uint8Array | undefined,
  hooks: MeasureHooks = {},
  signal?: AbortSignal,
  precision: Precision = b.precision,
): Promise<PackageMeasurement> {
  const deploy = await b.client.deploy(bytes, { signal });
  await hooks.onDeployed?.(b, deploy);
  const modes: ModeMeasurement[] = [];
  for (let mode = 0; mode < pkg.modes.length; mode++) {
    signal?.throwIfAborted();
    await b.client.selectMode(mode);
    const w = await measureWindow({ board: b.client, readbacks: b.readbacks, replayer: b.replayer }, inputs, precision, signal);
    let boardAccuracy: number | undefined;
    if (labels) {
      let ok = 0;
      w.predictions.forEach((p, i) => { if (p === labels[i]) ok++; });
      boardAccuracy = ok / w.predictions.length;
    }
    const m: ModeMeasurement = { ...w, mode, name: pkg.modes[mode]!.name, sparsity: pkg.modes[mode]!.sparsity, boardAccuracy };
    modes.push(m);
    await hooks.onMode?.(b, m, pkg);
  }
  return { board: b.id, deploy, modes };
}
