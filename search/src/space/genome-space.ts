/**
 * The co-exploration search space as a genome: a fixed-length vector of choice indices, one gene
 * per decision, in this order (the order REINFORCE's controller decides in):
 *
 *   number format | kernel per layer | granularity per layer | sparsity per mode and layer
 *   (mode-major, densest mode first) | one gene per searched mode-policy parameter
 *
 * A layer with a sparsity cap has sparsity genes over the choices up to it only.
 * Sparsity and policy genes are ordinal (mutation steps to a neighbour); the others categorical.
 * A genome is canonical after `repair`: each layer's sparsity non-decreasing across modes (nested
 * masks), each mode strictly sparser than the one before in some pruned layer, and the genes a
 * dense-kernel layer makes inert (its sparsities, its granularity) at 0, so that two genomes are
 * equal exactly when they build the same candidate. `toCandidate` is the structural half of
 * decoding; `decodeGenome` (decode.ts) adds the device's constraints.
 */
import { DEFAULT_POLICY, EveError, type NumberFormat, type PolicyOptions } from '@eve-bench/device-agent';
import type { Rng } from '../rng/rng.js';
import { GRANULARITIES, LAYER_KERNELS, NUMBER_FORMATS, granularityOf, kernelOf, numberFormatOf, type Candidate, type Granularity, type LayerKernel } from './candidate.js';

export type Genome = number[];

/** The discrete values searched for some of the mode policy's parameters. */
export type PolicyChoices = Partial<Record<keyof PolicyOptions, number[]>>;

export interface GenomeSpaceOptions {
  modes: number;
  layers: number;
  /** Sparsities a layer may take in a mode. */
  choices: number[];
  /**
   * Per layer, the largest sparsity it may take (null: any choice), e.g. a cap on a first conv
   * layer whose few weights all matter: its sparsity genes then only have the choices up to it.
   */
  sparsityCaps?: (number | null)[];
  /** Granularities searched: one list for every layer, or one per layer (default: unstructured). */
  granularities?: Granularity[] | Granularity[][];
  /** Kernels searched per layer (default: sparse). */
  kernels?: LayerKernel[];
  /** Number formats searched (default: float32). */
  numberFormats?: NumberFormat[];
  /** Mode-policy parameters searched, each over its listed values (default: none). */
  policy?: PolicyChoices;
  /** The policy the unsearched parameters keep (default: device-agent's DEFAULT_POLICY). */
  basePolicy?: PolicyOptions;
}

export type GeneKind = 'numberFormat' | 'kernel' | 'granularity' | 'sparsity' | 'policy';
export interface Gene {
  kind: GeneKind;
  /** Number of values. */
  size: number;
  layer?: number;
  mode?: number;
  /** Policy parameter. */
  key?: keyof PolicyOptions;
}

export class GenomeSpace {
  readonly choices: number[];
  readonly genes: readonly Gene[];
  private readonly granularities: Granularity[][];
  private readonly kernels: LayerKernel[];
  private readonly numberFormats: NumberFormat[];
  private readonly policyKeys: (keyof PolicyOptions)[];
  private readonly policyValues: number[][];
  private readonly basePolicy: PolicyOptions;
  /** Per layer, the index of the largest sparsity choice it may take. */
  private readonly top: number[];

  constructor(readonly o: GenomeSpaceOptions) {
    const bad = (why: string) => { throw new EveError('SPACE_INVALID', why); };
    if (!(Number.isInteger(o.modes) && o.modes >= 1 && o.modes <= 8)) bad(`a search space has 1..8 modes, got ${o.modes}`);
    if (!(Number.isInteger(o.layers) && o.layers >= 1)) bad(`a search space needs at least one layer, got ${o.layers}`);
    this.choices = distinct([...o.choices].sort((a, b) => a - b), 'sparsity choices', bad);
    if (this.choices.some((s) => !(s >= 0 && s < 1))) bad(`sparsity choices must lie in [0, 1), got ${o.choices.join(', ')}`);
    const caps = o.sparsityCaps ?? Array.from({ length: o.layers }, () => null);
    if (caps.length !== o.layers) bad(`sparsity caps are given for ${caps.length} layers, the space has ${o.layers}`);
    this.top = caps.map((cap, l) => {
      const n = cap === null ? this.choices.length : this.choices.filter((x) => x <= cap + 1e-9).length;
      if (n === 0) bad(`layer ${l}'s sparsity cap ${cap} is below every choice (${this.choices.join(', ')})`);
      return n - 1;
    });
    const g = o.granularities ?? ['unstructured'];
    const perLayer = Array.isArray(g[0]) ? (g as Granularity[][]) : Array.from({ length: o.layers }, () => g as Granularity[]);
    if (perLayer.length !== o.layers) bad(`granularities are given for ${perLayer.length} layers, the space has ${o.layers}`);
    this.granularities = perLayer.map((list, l) => distinct(oneOf(list, GRANULARITIES, `layer ${l} granularity`, bad), `layer ${l} granularities`, bad));
    this.kernels = distinct(oneOf(o.kernels ?? ['sparse'], LAYER_KERNELS, 'kernel', bad), 'kernels', bad);
    this.numberFormats = distinct(oneOf(o.numberFormats ?? ['float32'], NUMBER_FORMATS, 'number format', bad), 'number formats', bad);
    this.basePolicy = o.basePolicy ?? DEFAULT_POLICY;
    const policy = Object.entries(o.policy ?? {}) as [keyof PolicyOptions, number[]][];
    for (const [k, v] of policy) {
      if (!(k in this.basePolicy)) bad(`'${k}' is not a mode-policy parameter (${Object.keys(this.basePolicy).join(', ')})`);
      if (v.length === 0 || v.some((x) => !Number.isFinite(x) || x < 0)) bad(`policy.${k} needs at least one finite value ≥ 0`);
    }
    this.policyKeys = policy.map(([k]) => k);
    this.policyValues = policy.map(([k, v]) => distinct([...v].sort((a, b) => a - b), `policy.${k} values`, bad));
    const L = o.layers;
    this.genes = [
      { kind: 'numberFormat', size: this.numberFormats.length },
      ...Array.from({ length: L }, (_, l): Gene => ({ kind: 'kernel', layer: l, size: this.kernels.length })),
      ...Array.from({ length: L }, (_, l): Gene => ({ kind: 'granularity', layer: l, size: this.granularities[l]!.length })),
      ...Array.from({ length: o.modes * L }, (_, i): Gene => ({ kind: 'sparsity', mode: Math.floor(i / L), layer: i % L, size: this.top[i % L]! + 1 })),
      ...this.policyKeys.map((key, i): Gene => ({ kind: 'policy', key, size: this.policyValues[i]!.length })),
    ];
  }

  kernelGene(l: number): number { return 1 + l; }
  granularityGene(l: number): number { return 1 + this.o.layers + l; }
  sparsityGene(m: number, l: number): number { return 1 + 2 * this.o.layers + m * this.o.layers + l; }
  private policyGene(i: number): number { return 1 + (2 + this.o.modes) * this.o.layers + i; }

  /** Whether layer l runs a dense kernel (and so is unpruned) in genome g. */
  isDense(g: Genome, l: number): boolean { return this.kernels[g[this.kernelGene(l)]!] === 'dense'; }

  /** The lowest value gene i may take given the genes before it: nesting across modes. */
  floor(g: readonly number[], i: number): number {
    const gene = this.genes[i]!;
    return gene.kind === 'sparsity' && gene.mode! > 0 ? g[this.sparsityGene(gene.mode! - 1, gene.layer!)]! : 0;
  }

  /** What value index v of a gene stands for (samplers reasoning about a partly decided genome). */
  numberFormatAt(v: number): NumberFormat { return this.numberFormats[v]!; }
  kernelAt(v: number): LayerKernel { return this.kernels[v]!; }
  granularityAt(l: number, v: number): Granularity { return this.granularities[l]![v]!; }

  key(g: Genome): string { return g.join(','); }

  /** The canonical genome (see the header). Values out of range are clamped. */
  repair(genome: Genome): Genome {
    if (genome.length !== this.genes.length) throw new EveError('GENOME_INVALID', `a genome of this space has ${this.genes.length} genes, got ${genome.length}`);
    const g = genome.map((v, i) => Math.max(0, Math.min(this.genes[i]!.size - 1, Math.round(Number.isFinite(v) ? v : 0))));
    const { modes, layers } = this.o;
    const active = Array.from({ length: layers }, (_, l) => !this.isDense(g, l));
    for (let l = 0; l < layers; l++) if (!active[l]) {
      g[this.granularityGene(l)] = 0;
      for (let m = 0; m < modes; m++) g[this.sparsityGene(m, l)] = 0;
    }
    const idx = (m: number, l: number) => g[this.sparsityGene(m, l)]!;
    const set = (m: number, l: number, v: number) => { g[this.sparsityGene(m, l)] = v; };
    const live = active.flatMap((a, l) => (a ? [l] : []));
    const same = (m: number) => live.every((l) => idx(m, l) === idx(m - 1, l));
    if (live.length === 0) return g;
    // forward: nest, and make a mode equal to its predecessor sparser where it can be
    for (let m = 1; m < modes; m++) {
      for (const l of live) set(m, l, Math.max(idx(m, l), idx(m - 1, l)));
      const up = same(m) ? live.find((l) => idx(m, l) < this.top[l]!) : undefined;
      if (up !== undefined) set(m, up, idx(m, up) + 1);
    }
    // backward: a mode still equal to its predecessor (it was at the top everywhere) makes the
    // predecessor denser instead; this never undoes a later mode's distinctness
    for (let m = modes - 1; m >= 1; m--) {
      if (!same(m)) continue;
      const down = live.find((l) => idx(m - 1, l) > 0);
      if (down === undefined) break; // too few choices for distinct modes: the decoder says so
      set(m - 1, down, idx(m - 1, down) - 1);
      for (let k = m - 2; k >= 0; k--) set(k, down, Math.min(idx(k, down), idx(k + 1, down)));
    }
    return g;
  }

  random(rng: Rng): Genome {
    const g = this.genes.map((gene) => (gene.size > 1 ? rng.int(gene.size) : 0));
    // modes drawn independently, then ordered by overall sparsity so nesting repairs them least
    const rows = Array.from({ length: this.o.modes }, (_, m) => Array.from({ length: this.o.layers }, (_, l) => g[this.sparsityGene(m, l)]!));
    rows.sort((a, b) => a.reduce((s, x) => s + x, 0) - b.reduce((s, x) => s + x, 0));
    rows.forEach((row, m) => row.forEach((v, l) => { g[this.sparsityGene(m, l)] = v; }));
    return this.repair(g);
  }

  /**
   * Changes one gene that matters (not fixed, not made inert by a dense kernel): an ordinal one
   * (sparsity, policy) one step up or down, a categorical one to another value; then repairs.
   * A change that repair undoes (a mode stepped onto its neighbour) is drawn again.
   */
  mutate(genome: Genome, rng: Rng): Genome {
    const from = this.key(this.repair(genome));
    let child = this.mutateOnce(genome, rng);
    for (let i = 0; i < 16 && this.key(child) === from; i++) child = this.mutateOnce(genome, rng);
    return child;
  }

  private mutateOnce(genome: Genome, rng: Rng): Genome {
    const g = this.repair(genome);
    const movable = this.genes.flatMap((gene, i) => (gene.size > 1 && !((gene.kind === 'sparsity' || gene.kind === 'granularity') && this.isDense(g, gene.layer!)) ? [i] : []));
    if (movable.length === 0) return this.repair(g);
    const i = movable[rng.int(movable.length)]!;
    const gene = this.genes[i]!;
    if (gene.kind === 'sparsity' || gene.kind === 'policy') {
      // a step off either end turns back, so a mutation always moves
      const step = g[i] === 0 ? 1 : g[i] === gene.size - 1 ? -1 : rng.next() < 0.5 ? -1 : 1;
      g[i] = g[i]! + step;
      if (gene.kind === 'sparsity') {
        // keep nesting by dragging the same layer in neighbouring modes along
        for (let k = gene.mode! + 1; k < this.o.modes; k++) g[this.sparsityGene(k, gene.layer!)] = Math.max(g[this.sparsityGene(k, gene.layer!)]!, g[i]!);
        for (let k = gene.mode! - 1; k >= 0; k--) g[this.sparsityGene(k, gene.layer!)] = Math.min(g[this.sparsityGene(k, gene.layer!)]!, g[i]!);
      }
    } else {
      g[i] = (g[i]! + 1 + rng.int(gene.size - 1)) % gene.size;
    }
    return this.repair(g);
  }

  /**
   * Uniform crossover by layer: each layer's kernel, granularity and sparsity in every mode come
   * from one parent (so that parent's nesting carries over); the number format and each policy
   * gene from either. `repair` restores strictly sparser modes where the mix made two equal.
   */
  crossover(a: Genome, b: Genome, rng: Rng): Genome {
    const g = [...a];
    const pick = () => (rng.next() < 0.5 ? a : b);
    g[0] = pick()[0]!;
    for (let l = 0; l < this.o.layers; l++) {
      const p = pick();
      for (const i of [this.kernelGene(l), this.granularityGene(l), ...Array.from({ length: this.o.modes }, (_, m) => this.sparsityGene(m, l))]) g[i] = p[i]!;
    }
    this.policyKeys.forEach((_, k) => { const i = this.policyGene(k); g[i] = pick()[i]!; });
    return this.repair(g);
  }

  /** The candidate a genome describes (structure only: `decodeGenome` checks the device's constraints). */
  toCandidate(genome: Genome): Candidate {
    const g = this.repair(genome);
    const { modes, layers } = this.o;
    const kernel = Array.from({ length: layers }, (_, l) => this.kernels[g[this.kernelGene(l)]!]!);
    const c: Candidate = {
      sparsity: Array.from({ length: modes }, (_, m) => Array.from({ length: layers }, (_, l) => (kernel[l] === 'dense' ? 0 : this.choices[g[this.sparsityGene(m, l)]!]!))),
      granularity: Array.from({ length: layers }, (_, l) => this.granularities[l]![g[this.granularityGene(l)]!]!),
      kernel,
      numberFormat: this.numberFormats[g[0]!]!,
    };
    if (this.policyKeys.length > 0) c.policy = { ...this.basePolicy, ...Object.fromEntries(this.policyKeys.map((k, i) => [k, this.policyValues[i]![g[this.policyGene(i)]!]!])) };
    return c;
  }

  /**
   * The canonical genome of a candidate (journals written before genomes were recorded, snapshots):
   * each sparsity maps to the smallest choice at or above it; a value this space does not search
   * is refused as GENOME_INVALID.
   */
  encode(c: Candidate): Genome {
    const { modes, layers } = this.o;
    if (c.sparsity.length !== modes || c.sparsity.some((row) => row.length !== layers)) throw new EveError('GENOME_INVALID', `a candidate of this space has ${modes} modes × ${layers} layers`);
    const index = <T>(list: readonly T[], v: T, what: string) => {
      const i = list.indexOf(v);
      if (i < 0) throw new EveError('GENOME_INVALID', `${what} ${String(v)} is not searched here (${list.join(', ')})`);
      return i;
    };
    const g = new Array<number>(this.genes.length).fill(0);
    g[0] = index(this.numberFormats, numberFormatOf(c), 'number format');
    for (let l = 0; l < layers; l++) {
      g[this.kernelGene(l)] = index(this.kernels, kernelOf(c, l), `layer ${l} kernel`);
      if (kernelOf(c, l) === 'dense') continue;
      g[this.granularityGene(l)] = index(this.granularities[l]!, granularityOf(c, l), `layer ${l} granularity`);
      for (let m = 0; m < modes; m++) {
        const found = this.choices.findIndex((x) => x >= c.sparsity[m]![l]! - 1e-9);
        const i = found < 0 ? this.choices.length - 1 : found;
        if (i > this.top[l]!) throw new EveError('GENOME_INVALID', `layer ${l} sparsity ${c.sparsity[m]![l]} is above its cap ${this.choices[this.top[l]!]}`);
        g[this.sparsityGene(m, l)] = i;
      }
    }
    this.policyKeys.forEach((k, i) => { g[this.policyGene(i)] = index(this.policyValues[i]!, (c.policy ?? this.basePolicy)[k], `policy.${k}`); });
    return this.repair(g);
  }
}

function oneOf<T>(list: readonly T[], allowed: readonly T[], what: string, bad: (why: string) => never): T[] {
  if (list.length === 0) bad(`no ${what} to search`);
  for (const v of list) if (!allowed.includes(v)) bad(`unknown ${what} '${String(v)}' (${allowed.join(', ')})`);
  return [...list];
}

function distinct<T>(list: T[], what: string, bad: (why: string) => never): T[] {
  if (list.length === 0) bad(`no ${what}`);
  if (new Set(list).size !== list.length) bad(`${what} repeat a value: ${list.join(', ')}`);
  return list;
}
