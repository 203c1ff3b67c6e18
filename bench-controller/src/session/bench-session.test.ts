import { afterEach, describe, expect, it } from 'vitest';
import { indoorLight, mulberry32, randomSpec, readPackage, writePackage } from '@eve-bench/device-agent';
import { getNetworkSpec, type Dataset, type TrainedModel } from '@eve-bench/search';
import { startVirtualLab, type VirtualLab } from '../lab/virtual-lab.js';
import { measurePackage } from '../measure/measure-package.js';
import { HilEvaluator } from '../evaluator/hil-evaluator.js';
import { connectBench, type BenchSession } from './bench-session.js';

/** The lifecycle a campaign drives: one virtual board, reached through the production code path. */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function session(log: string[]): Promise<{ lab: VirtualLab; bench: BenchSession }> {
  const lab = await startVirtualLab({ host: '127.0.0.1', boards: [{ id: 'vb', channel: 1, profile: 'stm32l476-m4f', capacitanceF: 470e-6, turnOnV: 2.8, brownOutV: 1.8 }] });
  closers.push(() => lab.close());
  const bench = await connectBench({
    supplies: [{ id: 'psu', url: lab.psuUrl, limits: { '1': { maxVoltageV: 3.6, maxCurrentA: 0.05 } } }],
    boards: [{ id: 'vb', url: lab.boards[0]!.url, supplyId: 'psu', channel: 1 }],
    trace: indoorLight(mulberry32(1), { durationS: 60, stepS: 1, onPowerW: 20e-3, offPowerW: 4e-3 }),
    railVoltageV: 3.3, precision: { relative: 0.5, minWindows: 1, maxWindows: 2 }, log: (l) => log.push(l), boardTimeoutMs: 300,
  });
  closers.push(() => bench.close());
  return { lab, bench };
}

const bytes = writePackage(randomSpec(3, [64, 16, 10]));
const pkg = readPackage(bytes);
const inputs = Array.from({ length: 5 }, (_, i) => new Uint8Array(64).fill(i * 40));

describe('board lifecycle on a bench session', () => {
  it('a connected board is ready; a deploy passes through deployed and back to ready', async () => {
    const log: string[] = [];
    const { bench } = await session(log);
    const board = bench.boards[0]!;
    expect(board.lifecycle?.state).toBe('ready');
    const m = await measurePackage(board, pkg, bytes, inputs, undefined);
    expect(m.modes).toHaveLength(pkg.modes.length);
    expect(board.lifecycle?.state).toBe('ready');
    const moves = log.filter((l) => l.includes(' -> ')).map((l) => l.replace(/ \(.*$/, ''));
    expect(moves).toEqual(['board vb: off -> powered', 'board vb: powered -> ready', 'board vb: ready -> deployed', 'board vb: deployed -> ready']);
  });

  it('a board that stops answering is marked failed, is refused further deploys, and leaves the rotation', async () => {
    const { lab, bench } = await session([]);
    const board = bench.boards[0]!;
    lab.boards[0]!.board.injectFaults({ hangAfterRequests: 0 });
    await expect(measurePackage(board, pkg, bytes, inputs, undefined)).rejects.toMatchObject({ code: 'BOARD_TIMEOUT' });
    expect(board.lifecycle?.state).toBe('failed');
    await expect(measurePackage(board, pkg, bytes, inputs, undefined)).rejects.toMatchObject({ code: 'BOARD_NOT_READY' });

    const dense: TrainedModel = {
      spec: getNetworkSpec('mlp-small'),
      params: [[784, 128], [128, 64], [64, 10]].map(([i, o]) => ({ inFeatures: i!, outFeatures: o!, weights: new Float32Array(i! * o!).fill(0.01), bias: new Float32Array(o!) })),
    };
    const split = { images: new Uint8Array(784), labels: new Uint8Array(1), count: 1 };
    const data: Dataset = { name: 'one', features: 784, shape: [28, 28, 1], classes: 10, train: split, val: split, test: split };
    const hil = new HilEvaluator({ boards: bench.boards, dense, dataset: data, modeNames: ['a', 'b'], costSource: 'virtual', accuracyImages: 1, measureInputs: [new Uint8Array(784)] });
    await expect(hil.evaluate({ sparsity: [[0.5, 0.5, 0.5], [0.8, 0.8, 0.8]] })).rejects.toMatchObject({ code: 'NO_BOARD_AVAILABLE' });
  });
});
