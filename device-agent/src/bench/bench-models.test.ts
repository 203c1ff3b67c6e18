import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBenchModels, MODELS_MANIFEST, MODELS_MANIFEST_VERSION } from './bench-models.js';
import { writePackage } from '../format/writer.js';
import { randomSpec } from '../format/random-spec.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function modelsDir(manifest: Record<string, unknown> = {}, imagesBytes = 3 * 20): string {
  const dir = mkdtempSync(join(tmpdir(), 'eve-models-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'net.eve'), writePackage(randomSpec(1)));
  writeFileSync(join(dir, 'net-dense.eve'), writePackage(randomSpec(2)));
  writeFileSync(join(dir, 'x.u8'), new Uint8Array(imagesBytes));
  writeFileSync(join(dir, 'y.u8'), new Uint8Array(3));
  writeFileSync(join(dir, MODELS_MANIFEST), JSON.stringify({
    version: MODELS_MANIFEST_VERSION, seed: 1, profile: 'msp430fr5994', config: {},
    test: { images: 'x.u8', labels: 'y.u8', count: 3, features: 20 },
    networks: [{ network: 'net', package: 'net.eve', densePackage: 'net-dense.eve', tfjsAccuracy: [0.9, 0.8, 0.7] }],
    ...manifest,
  }));
  return dir;
}

describe('bench models folder', () => {
  it('is absent (undefined) when nothing was trained', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eve-models-'));
    dirs.push(dir);
    expect(loadBenchModels(dir)).toBeUndefined();
  });

  it('loads the packages and the test subset a manifest names', () => {
    const m = loadBenchModels(modelsDir())!;
    expect(m.networks[0]!.shared.modes).toHaveLength(3);
    expect(m.test.count).toBe(3);
    expect(m.networks[0]!.tfjsAccuracy).toEqual([0.9, 0.8, 0.7]);
  });

  it('refuses a stale manifest, a path outside the folder, a missing file and a short test set with typed errors', () => {
    const code = expect.objectContaining({ code: 'BENCH_MODELS_INVALID' });
    expect(() => loadBenchModels(modelsDir({ version: 0 }))).toThrow(code);
    expect(() => loadBenchModels(modelsDir({ networks: [{ network: 'n', package: '../../etc/passwd', densePackage: 'net-dense.eve', tfjsAccuracy: [] }] }))).toThrow(code);
    expect(() => loadBenchModels(modelsDir({ networks: [{ network: 'n', package: 'gone.eve', densePackage: 'net-dense.eve', tfjsAccuracy: [] }] }))).toThrow(/gone\.eve is missing/);
    expect(() => loadBenchModels(modelsDir({}, 10))).toThrow(/not 3 x 20/);
  });
});
