/**
 * The search space: for each mode (densest first) and each prunable layer, a sparsity from a
 * discrete set, nested (non-decreasing from one mode to the next), and each mode strictly
 * sparser overall than the one before it so that modes are distinct operating points.
 */
import type { Rng } from '../rng/rng.js';
import type { Candidate } from './candidate.js';

export type { Candidate } from './candidate.js';

export interface SearchSpaceOptions {
  modes: number;
  layers: number;
  choices: number[];
}

export class SearchSpace {
  readonly choices: number[];
  constructor(readonly o: SearchSpaceOptions) {
    this.choices = [...o.choices].sort((a, b) => a - b);
  }

  key(c: Candidate): string {
    return c.sparsity.map((row) => row.map((s) => s.toFixed(3)).join(',')).join('|');
  }

  /** Enforces nesting (each layer non-decreasing across modes) and strictly increasing modes. */
  repair(c: Candidate): Candidate {
    const top = this.choices.length - 1;
    const idx = c.sparsity.map((row) => row.map((s) => {
      const i = this.choices.findIndex((x) => x >= s - 1e-9);
      return i < 0 ? top : i;
    }));
    const same = (m: number) => idx[m]!.every((v, l) => v === idx[m - 1]![l]);
    for (let round = 0; round < 4 * this.o.modes; round++) {
      let changed = false;
      for (let m = 1; m < idx.length; m++) {
        for (let l = 0; l < this.o.layers; l++) idx[m]![l] = Math.max(idx[m]![l]!, idx[m - 1]![l]!);
        if (!same(m)) continue;
        // an identical mode is no new operating point: make it sparser, or its predecessor denser
        const up = idx[m]!.findIndex((v) => v < top);
        if (up >= 0) idx[m]![up]!++;
        else {
          const down = idx[m - 1]!.findIndex((v) => v > 0);
          if (down < 0) continue; // one choice only: nothing to do
          idx[m - 1]![down]!--;
          for (let k = m - 2; k >= 0; k--) idx[k]![down] = Math.min(idx[k]![down]!, idx[k + 1]![down]!);
        }
        changed = true;
      }
      if (!changed) break;
    }
    return { sparsity: idx.map((row) => row.map((i) => this.choices[i]!)) };
  }

  random(rng: Rng): Candidate {
    const sparsity = Array.from({ length: this.o.modes }, () => Array.from({ length: this.o.layers }, () => this.choices[rng.int(this.choices.length)]!));
    sparsity.sort((a, b) => a.reduce((s, x) => s + x, 0) - b.reduce((s, x) => s + x, 0));
    return this.repair({ sparsity });
  }

  /** Moves one (mode, layer) choice one step up or down, then repairs nesting. */
  mutate(c: Candidate, rng: Rng): Candidate {
    const s = c.sparsity.map((row) => [...row]);
    const m = rng.int(this.o.modes);
    const l = rng.int(this.o.layers);
    const i = this.choices.indexOf(s[m]![l]!);
    const j = Math.min(this.choices.length - 1, Math.max(0, i + (rng.next() < 0.5 ? -1 : 1)));
    s[m]![l] = this.choices[j]!;
    // keep nesting by dragging neighbouring modes along
    for (let k = m + 1; k < this.o.modes; k++) s[k]![l] = Math.max(s[k]![l]!, s[m]![l]!);
    for (let k = m - 1; k >= 0; k--) s[k]![l] = Math.min(s[k]![l]!, s[m]![l]!);
    return this.repair({ sparsity: s });
  }

  /**
   * Uniform crossover by layer: each layer's whole column (its sparsity in every mode) comes from
   * one parent, so the per-layer nesting of both parents carries over; `repair` then restores
   * strictly sparser modes where the mix made two equal.
   */
  crossover(a: Candidate, b: Candidate, rng: Rng): Candidate {
    const from = Array.from({ length: this.o.layers }, () => (rng.next() < 0.5 ? a : b));
    return this.repair({ sparsity: a.sparsity.map((row, m) => row.map((_, l) => from[l]!.sparsity[m]![l]!)) });
  }
}
