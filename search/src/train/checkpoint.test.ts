import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from './backend.js';
import { trainDense, type TrainOptions } from './train-dense.js';
import { FileCheckpointStore, MemoryCheckpointStore } from './checkpoint.js';
import { loadMnist } from '../data/mnist.js';
import { getNetworkSpec } from '../models/network-spec.js';
import type { Dataset } from '../data/dataset.js';

let data: Dataset;
const dir = mkdtempSync(join(tmpdir(), 'eve-ckpt-'));
beforeAll(async () => {
  await initWasmBackend();
  data = await loadMnist({ trainCount: 640, valCount: 10, testCount: 10, seed: 1 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = getNetworkSpec('mlp-small');
const base: TrainOptions = { epochs: 2, batchSize: 64, learningRate: 0.002, lrDecay: 0.5, seed: 3 };

describe('resumable training', () => {
  it('a run killed mid-epoch and resumed from its checkpoint ends where an uninterrupted run ends', async () => {
    const straight = await trainDense(spec, data, base);
    const store = new FileCheckpointStore(join(dir, 'run.ckpt.json'));
    const ac = new AbortController();
    const checkpoint = { store, everyBatches: 1, fingerprint: 'mlp-small/3' };
    // 10 batches an epoch, progress after batches 1 and 10: stop right after batch 1 of the second epoch
    let seen = 0;
    const stopping = trainDense(spec, data, { ...base, checkpoint, signal: ac.signal, onProgress: () => { if (++seen === 3) ac.abort(new Error('killed')); } });
    await expect(stopping).rejects.toThrow('killed');
    const saved = await store.load();
    expect(saved).not.toBeNull();
    expect([saved!.epoch, saved!.batch]).toEqual([1, 1]);
    expect(saved!.optimizer.length).toBeGreaterThan(0); // Adam's step and moments travel with the weights
    const resumed = await trainDense(spec, data, { ...base, checkpoint });
    resumed.params.forEach((p, l) => {
      const ref = straight.params[l]!.weights;
      let maxDiff = 0;
      p.weights.forEach((w, i) => { maxDiff = Math.max(maxDiff, Math.abs(w - ref[i]!)); });
      expect(maxDiff).toBeLessThan(1e-4);
    });
    // a finished checkpoint resumes to the same model without training again
    const again = await trainDense(spec, data, { ...base, checkpoint, onProgress: () => { throw new Error('should not train'); } });
    expect(Array.from(again.params[0]!.weights.slice(0, 20))).toEqual(Array.from(resumed.params[0]!.weights.slice(0, 20)));
  });

  it('refuses a checkpoint of another run and a corrupt file, with typed errors', async () => {
    const mem = new MemoryCheckpointStore();
    await trainDense(spec, data, { ...base, epochs: 1, checkpoint: { store: mem, everyBatches: 100, fingerprint: 'run A' } });
    expect(mem.saves).toBe(1); // end of the epoch
    await expect(trainDense(spec, data, { ...base, checkpoint: { store: mem, everyBatches: 100, fingerprint: 'run B' } })).rejects.toMatchObject({ code: 'CHECKPOINT_MISMATCH' });
    await expect(trainDense(getNetworkSpec('lenet-300-100'), data, { ...base, checkpoint: { store: mem, everyBatches: 100, fingerprint: 'run A' } })).rejects.toMatchObject({ code: 'CHECKPOINT_MISMATCH' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"fingerprint":"x","epoch":0,"batch":1,"vars":[{"name":"w","shape":[3],"data":"AAAA"}],"optimizer":[]}');
    await expect(new FileCheckpointStore(bad).load()).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
    writeFileSync(bad, '{"fingerprint":');
    await expect(new FileCheckpointStore(bad).load()).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
    expect(await new FileCheckpointStore(join(dir, 'none.json')).load()).toBeNull();
  });
});
