import { describe, expect, it } from 'vitest';
import { chooseLayerFormat, formatCycles } from './choose-format.js';
import { getProfile, profileNames } from './cost-model.js';
import { writePackage } from '../format/writer.js';
import { readPackage } from '../format/reader.js';
import { randomBlockSpec } from '../format/random-spec.js';
import { keptPerMode } from '../format/keep-layout.js';

/** 300x784 keep with `kept[m]` of each row's blocks kept by mode m (blocks by index: nested). */
function blockKeep(fractions: number[], rows = 300, cols = 784): Int8Array {
  const keep = new Int8Array(rows * cols).fill(-1);
  const blocks = cols / 4;
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < blocks; b++) {
      let tier = -1;
      fractions.forEach((f, m) => { if (b < Math.round(f * blocks)) tier = m; });
      keep.fill(tier, r * cols + b * 4, r * cols + b * 4 + 4);
    }
  }
  return keep;
}

/** Same densities, scattered weight by weight so no block is uniform. */
function scatteredKeep(fractions: number[], rows = 300, cols = 784): Int8Array {
  const keep = blockKeep(fractions, rows, cols);
  for (let i = 0; i < keep.length; i += 4) { const t = keep[i]!; keep[i] = keep[i + 3]!; keep[i + 3] = t === -1 ? 0 : t; }
  return keep;
}

const shape = { rows: 300, cols: 784, modes: 3, conv: false };

describe('per-layer kernel format from the cost model', () => {
  it('dense wins at low sparsity, a sparse format at high sparsity, on every profile', () => {
    for (const name of profileNames()) {
      const p = getProfile(name);
      expect(chooseLayerFormat(p, blockKeep([1, 1, 1]), shape), name).toBe('dense');
      expect(chooseLayerFormat(p, blockKeep([0.1, 0.1, 0.1]), shape), name).toBe('block1x4');
    }
  });

  it('the crossover is where the profile prices it, not a fixed threshold', () => {
    const cross = (name: string) => {
      for (let d = 100; d >= 0; d--) if (chooseLayerFormat(getProfile(name), blockKeep([d / 100, d / 100, d / 100]), shape) !== 'dense') return d;
      return -1;
    };
    const m4 = cross('stm32l476-m4f');
    const msp = cross('msp430fr5994');
    expect(m4).toBeGreaterThan(0);
    expect(msp).toBeGreaterThan(m4); // soft-float MACs dwarf the index cost on the MSP430
    expect(chooseLayerFormat(getProfile('stm32l476-m4f'), blockKeep([0.9, 0.9, 0.9]), shape)).toBe('dense');
  });

  it('masks that differ between modes rule out dense; blocks that are not uniform rule out block1x4', () => {
    const p = getProfile('stm32l476-m4f');
    expect(chooseLayerFormat(p, blockKeep([0.5, 0.2, 0.1]), shape)).toBe('block1x4');
    expect(chooseLayerFormat(p, scatteredKeep([0.5, 0.2, 0.1]), shape)).toBe('rowPrefixSparse');
    expect(chooseLayerFormat(p, blockKeep([0.5, 0.2, 0.1]), { ...shape, conv: true })).toBe('rowPrefixSparse');
  });

  it('prices block1x4 below row-prefix sparse for the same kept weights', () => {
    const p = getProfile('msp430fr5994');
    const kept = keptPerMode(blockKeep([0.5, 0.2, 0.1]), 3);
    const block = formatCycles(p, 'block1x4', shape, kept);
    const row = formatCycles(p, 'rowPrefixSparse', shape, kept);
    block.forEach((c, m) => expect(c).toBeLessThan(row[m]!));
  });

  it('the writer records the chosen format per layer when given a profile, and the runtime honours it', () => {
    const spec = randomBlockSpec(8, [24, 12, 8]);
    for (const l of spec.layers) if (l.kind === 'dense') l.format = 'rowPrefixSparse';
    const last = spec.layers[2]!;
    if (last.kind !== 'dense') throw new Error('expected dense');
    last.keep.fill(2); // kept by every mode: dense is storable and cheapest
    const pkg = readPackage(writePackage(spec, { profile: getProfile('stm32l476-m4f') }));
    const formats = pkg.layers.flatMap((l) => (l.kind === 'dense' ? [l.format] : []));
    expect(formats[1]).toBe('dense');
    expect(formats[0]).not.toBe('dense');
    expect(formats[0]).toBe(chooseLayerFormat(getProfile('stm32l476-m4f'), (spec.layers[0] as { keep: Int8Array }).keep, { rows: 12, cols: 24, modes: 3, conv: false }));
  });
});
