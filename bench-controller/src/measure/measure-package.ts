/**
 * Deploy one package to one board and measure every mode: latency from the board's own
 * timestamps, active energy from the supply over a window of back-to-back inferences, and,
 * when labels are given, the accuracy of the predictions the board itself returned.
 */
import { EveError, type EvePackage } from '@eve-bench/device-agent';
import type { BoardClient, DeployReport } from '../boards/board-client.js';
import type { PowerSupply } from '../instruments/psu/power-supply.js';
import type { HarvestReplayer } from '../harvest/replayer.js';
import type { BoardLifecycle } from '../fleet/board-lifecycle.js';
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
  /**
   * The board's lifecycle, when the session tracks it: a deploy moves it ready -> deployed ->
   * ready (once a mode has answered), and any failure moves it to `failed`, which takes it out of
   * the rotation until a health check power-cycles it.
   */
  lifecycle?: BoardLifecycle;
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
  const state = b.lifecycle?.state;
  if (state === 'off' || state === 'failed' || state === 'quarantined') {
    throw new EveError('BOARD_NOT_READY', `board ${b.id} is ${state}: power-cycle it (eve bench health) before deploying`);
  }
  try {
    return await deployAndMeasure(b, pkg, bytes, inputs, labels, hooks, signal, precision);
  } catch (e) {
    // An abort is the campaign stopping, not the board failing.
    if (!signal?.aborted && b.lifecycle?.canMove('failed')) b.lifecycle.move('failed', (e as Error).message);
    throw e;
  }
}

async function deployAndMeasure(
  b: BenchBoard, pkg: EvePackage, bytes: Uint8Array, inputs: Uint8Array[], labels: Uint8Array | undefined,
  hooks: MeasureHooks, signal: AbortSignal | undefined, precision: Precision,
): Promise<PackageMeasurement> {
  const deploy = await b.client.deploy(bytes, { signal });
  b.lifecycle?.move('deployed', `package ${pkg.name} committed`);
  await hooks.onDeployed?.(b, deploy);
  const modes: ModeMeasurement[] = [];
  for (let mode = 0; mode < pkg.modes.length; mode++) {
    signal?.throwIfAborted();
    await b.client.selectMode(mode);
    if (b.lifecycle?.state === 'deployed') b.lifecycle.move('ready', `mode ${mode} selected`);
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
