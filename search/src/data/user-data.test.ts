import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUserData } from './user-data.js';
import { parseNpy, writeNpy } from './npy.js';

const dir = mkdtempSync(join(tmpdir(), 'eve-user-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => { const p = join(dir, name); writeFileSync(p, content); return p; };

describe('user data (CSV)', () => {
  it('reads features and labels, skips a header, splits deterministically and scales to uint8', async () => {
    const lines = ['a,b,c,label', ...Array.from({ length: 50 }, (_, i) => `${i / 10},${-i},${i % 7},${i % 3}`)];
    const p = file('ok.csv', lines.join('\n'));
    const d = await loadUserData({ features: p, seed: 4, valFraction: 0.2, testFraction: 0.2 });
    expect([d.features, d.classes, d.train.count, d.val.count, d.test.count]).toEqual([3, 3, 30, 10, 10]);
    expect(d.shape).toEqual([1, 1, 3]);
    // min -49, max 6: the mapping sends -49 to 0 and 6 to 255
    expect(d.scaling.offset).toBe(-49);
    expect(d.scaling.scale).toBeCloseTo(255 / 55, 12);
    const again = await loadUserData({ features: p, seed: 4, valFraction: 0.2, testFraction: 0.2 });
    expect(Array.from(again.train.labels)).toEqual(Array.from(d.train.labels));
    // each example keeps its own label: row i has feature c = i % 7 and label i % 3, b = -i
    for (let k = 0; k < d.train.count; k++) {
      const b = d.train.images[k * 3 + 1]!;
      const i = Math.round(-(b / d.scaling.scale + d.scaling.offset));
      expect(d.train.labels[k]).toBe(i % 3);
    }
  });

  it('names the line and column of a bad cell, a ragged row, and a bad label', async () => {
    await expect(loadUserData({ features: file('nan.csv', '1,2,0\n3,x,1\n'), seed: 1 })).rejects.toMatchObject({ code: 'DATA_VALUE', message: expect.stringMatching(/nan\.csv:2: column 2/) });
    await expect(loadUserData({ features: file('ragged.csv', '1,2,0\n3,1\n'), seed: 1 })).rejects.toMatchObject({ code: 'DATA_SHAPE', message: expect.stringMatching(/:2: 2 columns, expected 3/) });
    await expect(loadUserData({ features: file('lab.csv', '1,2,0\n3,1,1.5\n4,4,1\n'), seed: 1 })).rejects.toMatchObject({ code: 'DATA_LABEL_RANGE' });
    await expect(loadUserData({ features: file('range.csv', '1,2,0\n3,1,4\n4,4,1\n'), seed: 1, classes: 3 })).rejects.toMatchObject({ code: 'DATA_LABEL_RANGE', message: expect.stringMatching(/label 4/) });
    await expect(loadUserData({ features: file('empty.csv', 'a,b\n'), seed: 1 })).rejects.toMatchObject({ code: 'DATA_TOO_FEW' });
    await expect(loadUserData({ features: join(dir, 'missing.csv'), seed: 1 })).rejects.toMatchObject({ code: 'DATA_UNREADABLE' });
    await expect(loadUserData({ features: file('x.txt', '1,2'), seed: 1 })).rejects.toMatchObject({ code: 'DATA_LAYOUT' });
  });
});

describe('user data (NPY)', () => {
  const n = 40;
  const x = Array.from({ length: n * 4 * 4 }, (_, i) => i % 256);
  const y = Array.from({ length: n }, (_, i) => i % 4);

  it('round-trips the writer, and reads images with their HWC shape unchanged as uint8', async () => {
    expect(parseNpy(writeNpy([1.5, -2], [2], 'f8'), 't').values).toEqual(Float64Array.from([1.5, -2]));
    const d = await loadUserData({ features: file('x.npy', writeNpy(x, [n, 4, 4], 'u1')), labels: file('y.npy', writeNpy(y, [n], 'i4')), seed: 2 });
    expect(d.shape).toEqual([4, 4, 1]);
    expect(d.scaling).toEqual({ offset: 0, scale: 1 });
    expect(d.classes).toBe(4);
    expect(d.train.count + d.val.count + d.test.count).toBe(n);
  });

  it('refuses mismatched rows, float labels, wrong shapes and hostile headers with a typed error', async () => {
    const xs = file('x2.npy', writeNpy(x, [n, 16], 'f4'));
    await expect(loadUserData({ features: xs, labels: file('y-short.npy', writeNpy(y.slice(1), [n - 1], 'i4')), seed: 1 })).rejects.toMatchObject({ code: 'DATA_ROW_MISMATCH', message: expect.stringMatching(/40 examples .* 39 labels/) });
    await expect(loadUserData({ features: xs, labels: file('y-f.npy', writeNpy(y, [n], 'f4')), seed: 1 })).rejects.toMatchObject({ code: 'DATA_DTYPE' });
    await expect(loadUserData({ features: xs, labels: file('y-2d.npy', writeNpy(y, [n / 2, 2], 'i4')), seed: 1 })).rejects.toMatchObject({ code: 'DATA_SHAPE' });
    await expect(loadUserData({ features: xs, labels: file('y.npy', writeNpy(y, [n], 'i4')), seed: 1, shape: [5, 5, 1] })).rejects.toMatchObject({ code: 'DATA_SHAPE' });
    await expect(loadUserData({ features: xs, seed: 1 })).rejects.toMatchObject({ code: 'DATA_LAYOUT' });
    const good = writeNpy(x, [n, 16], 'f4');
    expect(() => parseNpy(good.subarray(0, good.length - 3), 'cut.npy')).toThrow(expect.objectContaining({ code: 'DATA_FORMAT', message: expect.stringMatching(/needs 2560 data bytes/) }));
    expect(() => parseNpy(new TextEncoder().encode('not numpy at all'), 'txt')).toThrow(expect.objectContaining({ code: 'DATA_FORMAT' }));
    const huge = new Uint8Array(Buffer.from(Buffer.from(good).toString('latin1').replace('(40, 16)', '(99999999, 99999999)'), 'latin1'));
    expect(() => parseNpy(huge, 'huge.npy')).toThrow(expect.objectContaining({ code: 'DATA_FORMAT', message: expect.stringMatching(/more than/) }));
    const complex = new Uint8Array(Buffer.from(Buffer.from(good).toString('latin1').replace("'<f4'", "'<c8'"), 'latin1'));
    expect(() => parseNpy(complex, 'c.npy')).toThrow(expect.objectContaining({ code: 'DATA_DTYPE' }));
  });
});
