/**
 * The hardware-in-the-loop Evaluator: the search's port, implemented by the bench. For each
 * candidate it derives nested masks from the shared weights, fine-tunes them jointly (one short
 * epoch, as RT3/EVE do per child network), builds and checks one `.eve` package, measures
 * accuracy with the device runtime on the validation split, then deploys the package to the
 * next free board and measures each mode's latency and energy there. The search only ever sees
 * measured costs; `costSource` says whether they came from virtual or physical boards.
 * Candidates go through the search's decoder first: the masks follow each layer's granularity,
 * the package each layer's kernel format, and what the boards cannot run (int8: their runtime,
 * PackageStore, extracts float32 packages) is refused as CANDIDATE_INFEASIBLE before any board
 * is touched.
 */
import {
  candidateKeep, fineTuneJoint, layerFormats, networkGeometry, requireFeasible, runtimeAccuracy,
  type Candidate, type Dataset, type Evaluation, type Evaluator, type EvaluatorSupport, type NetworkGeometry, type TrainedModel,
} from '@eve-bench/search';
import { EveError } from '@eve-bench/device-agent';
import { buildPackage, type BuiltPackage } from './package-builder.js';
import type { Precision } from '../measure/energy-window.js';
import { measurePackage, type BenchBoard, type MeasureHooks, type PackageMeasurement } from '../measure/measure-package.js';

export interface HilEvaluatorOptions {
  boards: BenchBoard[];
  dense: TrainedModel;
  dataset: Dataset;
  modeNames: string[];
  costSource: 'virtual' | 'hardware';
  /** Joint fine-tuning per candidate; omit to score masks on the dense weights as they are. */
  fineTune?: { epochs: number; batchSize: number; learningRate: number; seed: number; lossWeights: number[]; trainCount: number };
  /** Validation images used for accuracy (runtime, host side). */
  accuracyImages: number;
  /** Inputs per measurement window on the board. */
  measureInputs: Uint8Array[];
  /** Precision of each mode's energy (default: the board's). */
  precision?: Precision;
  /** Measurement hooks (telemetry, store); `current()` names the candidate being measured. */
  hooks?: MeasureHooks;
  onPackage?(candidateIndex: number, built: BuiltPackage, measured: PackageMeasurement): void | Promise<void>;
}

export class HilEvaluator implements Evaluator {
  /** What the boards' runtime runs: float32 packages, in every kernel format. */
  readonly supports: EvaluatorSupport = { numberFormats: ['float32'], kernelFormats: ['dense', 'rowPrefixSparse', 'block1x4'] };
  private next = 0;
  private count = 0;
  private readonly geometry: NetworkGeometry;

  constructor(private readonly o: HilEvaluatorOptions) {
    this.geometry = networkGeometry(o.dense.spec);
  }

  /** Name of the candidate being evaluated, for telemetry. */
  current(): string {
    return `candidate-${this.count - 1}`;
  }

  /**
   * Round-robin over the boards, skipping any whose lifecycle says it failed or is quarantined,
   * so one board that stops answering overnight does not stop the campaign.
   */
  private nextUsableBoard(): BenchBoard {
    const n = this.o.boards.length;
    for (let tried = 0; tried < n; tried++) {
      const board = this.o.boards[this.next++ % n]!;
      const state = board.lifecycle?.state;
      if (state !== 'failed' && state !== 'quarantined' && state !== 'off') return board;
    }
    throw new EveError('NO_BOARD_AVAILABLE', `all ${n} boards are failed, quarantined or off; run eve bench health to recover them`);
  }

  async evaluate(candidate: Candidate, signal?: AbortSignal): Promise<Evaluation> {
    requireFeasible(candidate, { geometry: this.geometry, supports: this.supports });
    const index = this.count++;
    const keep = candidateKeep(this.o.dense, candidate);
    const tuned = this.o.fineTune
      ? await fineTuneJoint(this.o.dense, keep, this.o.dataset, { ...this.o.fineTune, signal })
      : this.o.dense;
    const built = buildPackage(tuned, keep, `candidate-${index}`, this.o.modeNames, layerFormats(candidate));
    const board = this.nextUsableBoard();
    const measured = await measurePackage(board, built.pkg, built.bytes, this.o.measureInputs, undefined, this.o.hooks, signal, this.o.precision);
    await this.o.onPackage?.(index, built, measured);
    return {
      candidate,
      costSource: this.o.costSource,
      packageBytes: built.bytes.length,
      modes: measured.modes.map((m) => ({
        accuracy: runtimeAccuracy(built.pkg, m.mode, this.o.dataset.val, this.o.accuracyImages),
        latencyUs: m.latencyUs,
        energyUj: m.energyUj,
        sparsity: m.sparsity,
      })),
    };
  }
}
