/**
 * Values of a gene the decoder must refuse whatever the later genes are, given the genes before
 * it: what a sampler deciding genes in order (REINFORCE's controller) can mask out, so that it
 * spends no proposals on genomes the decoder refuses and does not learn that a choice is bad
 * because of a partner it happened to be drawn with. Each rule mirrors one of the decoder's checks
 * (decode.ts) and is sound — a value named here is refused for every completion:
 *
 *   number-format      a number format the evaluator cannot run
 *   kernel-format      a kernel or granularity the evaluator or the number format's runtime lacks
 *   distinct-modes     a value after which the modes can no longer each keep fewer weights than
 *                      the one before in some pruned layer (every layer dense; a densest mode
 *                      leaving too few distinct kept counts above it; a mode m ≥ 1 equal to m − 1)
 *   weight-memory      a value after which every completion whose modes can be distinct stores
 *                      more than the budget (each undecided layer at any kernel, granularity and
 *                      densest-mode sparsity: a small knapsack over the layers)
 *   activation-memory  a number format whose activation buffers exceed the SRAM
 *
 * The decoder's deadline and sparsity floors are not anticipated (it still refuses them). Genes a
 * dense kernel makes inert are read as the candidate reads them: not at all.
 */
import type { Dtype, KernelFormat } from '@eve-bench/device-agent';
import { decodeContextBudgets, keptPerMode, layerWeightBytes, RUNTIME_KERNELS, type DecodeContext } from './decode.js';
import type { Granularity } from './candidate.js';
import type { GenomeSpace } from './genome-space.js';

/** Values of gene t refused given `prefix` (genes 0..t−1; longer prefixes are read only that far). */
export type RefusedValues = (prefix: readonly number[], t: number) => number[];

export function refusedValues(space: GenomeSpace, ctx: DecodeContext): RefusedValues {
  const layers = ctx.geometry.layers;
  const L = layers.length;
  const lastMode0 = space.sparsityGene(0, L - 1);
  const budgets = decodeContextBudgets(ctx);
  const sizeOf = (i: number) => space.genes[i]!.size;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const formatOf = (g: Granularity): KernelFormat => (g === 'block1x4' ? 'block1x4' : 'rowPrefixSparse');
  const runs = (dtype: Dtype, f: KernelFormat) => RUNTIME_KERNELS[dtype].includes(f) && (!ctx.supports || ctx.supports.kernelFormats.includes(f));
  const dense = (g: readonly number[], l: number) => space.kernelAt(g[space.kernelGene(l)]!) === 'dense';

  /** Per layer and granularity value, each sparsity choice's level: the rank of its kept count among the distinct ones. */
  const levels = layers.map((geo, l) => range(sizeOf(space.granularityGene(l))).map((v) => {
    const kept = keptPerMode(geo, space.granularityAt(l, v), space.choices.slice(0, sizeOf(space.sparsityGene(0, l))));
    return kept.map((k) => new Set(kept.filter((x) => x > k)).size);
  }));

  /**
   * Whether modes m.. can still each keep fewer weights than the mode before in some pruned layer,
   * with mode m decided up to layer l: every later mode needs one more level step in some layer,
   * and mode m one of its own unless a decided layer already stepped.
   */
  const roomForDistinctModes = (g: readonly number[], m: number, l: number): boolean => {
    let used = 0, ahead = 0, aheadUndecided = 0;
    for (const k of range(L)) {
      if (dense(g, k)) continue;
      const lv = levels[k]![g[space.granularityGene(k)]!]!;
      const top = Math.max(...lv);
      const before = m === 0 ? 0 : lv[g[space.sparsityGene(m - 1, k)]!]!;
      if (k <= l) {
        const now = lv[g[space.sparsityGene(m, k)]!]!;
        used += now - before;
        ahead += top - now;
      } else {
        ahead += top - before;
        aheadUndecided += top - before;
      }
    }
    const later = space.o.modes - 1 - m;
    if (m === 0 || used > 0) return ahead >= later;
    return aheadUndecided >= 1 && ahead >= later + 1;
  };

  /**
   * The fewest bytes any completion of g (decided up to gene t) stores while its densest mode
   * leaves the later modes room to be distinct (one level step each, in any pruned layer);
   * Infinity when no completion leaves that room. A knapsack over layers: per layer, each
   * undecided (kernel, granularity, densest-mode sparsity) gives its bytes and its level steps.
   */
  const leastBytesLeavingRoom = (g: readonly number[], t: number): number => {
    const dtype = space.numberFormatAt(g[0]!);
    const need = space.o.modes - 1;
    const decided = (i: number) => i <= t;
    let best = Array.from({ length: need + 1 }, (_, r) => (r === 0 ? 0 : Infinity)); // by room, capped at need
    for (const [l, geo] of layers.entries()) {
      const kernels = decided(space.kernelGene(l)) ? [g[space.kernelGene(l)]!] : range(sizeOf(space.kernelGene(l)));
      const grans = decided(space.granularityGene(l)) ? [g[space.granularityGene(l)]!] : range(sizeOf(space.granularityGene(l)));
      const s0 = decided(space.sparsityGene(0, l)) ? [g[space.sparsityGene(0, l)]!] : range(sizeOf(space.sparsityGene(0, l)));
      const options = kernels.flatMap((k) => (space.kernelAt(k) === 'dense'
        ? [{ bytes: layerWeightBytes(geo, 'dense', geo.rows * geo.cols, dtype), room: 0 }]
        : grans.flatMap((v) => {
          const gran = space.granularityAt(l, v);
          const lv = levels[l]![v]!;
          return s0.map((c) => ({ bytes: layerWeightBytes(geo, formatOf(gran), keptPerMode(geo, gran, [space.choices[c]!])[0]!, dtype), room: Math.max(...lv) - lv[c]! }));
        })));
      const next = best.map(() => Infinity);
      best.forEach((b, r) => { for (const o of options) { const r2 = Math.min(need, r + o.room); next[r2] = Math.min(next[r2]!, b + o.bytes); } });
      best = next;
    }
    return best[need]!;
  };

  const refused = (g: readonly number[], t: number): boolean => {
    const gene = space.genes[t]!;
    const dtype = space.numberFormatAt(g[0]!);
    if (t === 0) {
      if (ctx.supports && !ctx.supports.numberFormats.includes(dtype)) return true;
      if (budgets && ctx.geometry.activationElements * (dtype === 'int8' ? 1 : 4) > budgets.activationBytes) return true;
    }
    if (gene.kind === 'kernel' && dense(g, gene.layer!) && !runs(dtype, 'dense')) return true;
    if (gene.kind === 'granularity' && !dense(g, gene.layer!) && !runs(dtype, formatOf(space.granularityAt(gene.layer!, g[t]!)))) return true;
    if (gene.kind === 'sparsity' && gene.mode! >= 1 && !dense(g, gene.layer!) && !roomForDistinctModes(g, gene.mode!, gene.layer!)) return true;
    return t <= lastMode0 && leastBytesLeavingRoom(g, t) > (budgets?.weightBytes ?? Infinity);
  };

  return (prefix, t) => {
    const g = prefix.slice(0, t);
    return range(sizeOf(t)).filter((v) => { g[t] = v; return refused(g, t); });
  };
}
