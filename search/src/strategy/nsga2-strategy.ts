/**
 * NSGA-II (Deb et al., IEEE TEVC 2002) on the search's Pareto objectives, served one candidate at
 * a time. The first `population` proposals are random; after that, each generation's parents are
 * the best `population` of the previous parents plus their offspring by fast non-dominated sort
 * (constrained domination: every feasible candidate ranks above every infeasible one, infeasible
 * ones by smaller violation) and crowding distance; binary tournaments pick mates, the space's
 * nest-preserving crossover and mutation make `population` offspring, queued for proposal.
 * Duplicates: the selection pool holds each genome once (a genome proposed twice would otherwise
 * take two parent slots and halve the diversity it stands for), and an offspring already
 * evaluated or already queued is mutated again, so a generation never spends budget on a repeat.
 */
import { EveError } from '@eve-bench/device-agent';
import type { Rng } from '../rng/rng.js';
import type { Genome, GenomeSpace } from '../space/genome-space.js';
import { dominates } from '../pareto/pareto-front.js';
import { rngFrom, snapshotState, type Scored, type SearchStrategy, type StrategySnapshot } from './search-strategy.js';

export interface Nsga2Options {
  population: number;
  /** Probability that an offspring is a crossover of two parents rather than a copy of one. */
  crossoverRate: number;
  /** Mutation steps applied to each offspring (at least one, so a copy is never a repeat). */
  mutations: number;
  /** Minimised objectives of a scored evaluation; the default is the search's three. */
  objectives?: (s: Scored) => number[];
}

/** (−densest-mode accuracy, sparsest-mode energy, package bytes): all minimised; feasible evaluations only. */
export function defaultObjectives(s: Scored): number[] {
  const m = s.evaluation.modes;
  return [-m[0]!.accuracy, m[m.length - 1]!.energyUj, s.evaluation.packageBytes ?? 0];
}

export class Nsga2Strategy implements SearchStrategy {
  readonly name = 'nsga2';
  /** History indices of the current parents (empty until the first generation is selected). */
  private parents: number[] = [];
  /** History length when the current offspring began to be proposed. */
  private generationStart = 0;
  private queue: Genome[] = [];

  constructor(private readonly space: GenomeSpace, private rng: Rng, private readonly o: Nsga2Options) {
    if (!(Number.isInteger(o.population) && o.population >= 2)) throw new EveError('STRATEGY_OPTIONS', `NSGA-II needs a population of at least 2, got ${o.population}`);
  }

  propose(history: readonly Scored[]): Genome {
    if (this.generationStart > history.length || this.parents.some((i) => i >= history.length)) {
      throw new EveError('SNAPSHOT_INVALID', `the NSGA-II state refers to evaluations up to ${Math.max(this.generationStart, ...this.parents.map((i) => i + 1))}, the history has ${history.length}: restored against the wrong history?`);
    }
    const seen = new Set(history.map((h) => this.space.key(h.genome)));
    if (this.queue.length === 0 && history.length < this.o.population) return this.fresh(seen);
    if (this.queue.length === 0) this.nextGeneration(history, seen);
    return this.queue.shift()!;
  }

  private fresh(seen: Set<string>): Genome {
    let c = this.space.random(this.rng);
    for (let i = 0; i < 50 && seen.has(this.space.key(c)); i++) c = this.space.random(this.rng);
    return c;
  }

  private nextGeneration(history: readonly Scored[], seen: Set<string>): void {
    const all = this.parents.length === 0
      ? history.map((_, i) => i)
      : [...this.parents, ...history.slice(this.generationStart).map((_, i) => this.generationStart + i)];
    const inPool = new Set<string>();
    const pool = all.filter((i) => { const k = this.space.key(history[i]!.genome); if (inPool.has(k)) return false; inPool.add(k); return true; });
    const size = Math.min(this.o.population, pool.length);
    const { order, rank, crowding } = rankAndCrowd(pool.map((i) => history[i]!), this.o.objectives ?? defaultObjectives);
    this.parents = order.slice(0, size).map((k) => pool[k]!);
    const better = (a: number, b: number) => (rank[a]! < rank[b]! || (rank[a] === rank[b] && crowding[a]! > crowding[b]!) ? a : b);
    const tournament = () => {
      const a = order[this.rng.int(size)]!;
      const b = order[this.rng.int(size)]!;
      return history[pool[better(a, b)]!]!.genome;
    };
    const queued = new Set<string>();
    for (let n = 0; n < this.o.population; n++) {
      const a = tournament();
      let child = this.rng.next() < this.o.crossoverRate ? this.space.crossover(a, tournament(), this.rng) : a;
      for (let m = 0; m < Math.max(1, this.o.mutations); m++) child = this.space.mutate(child, this.rng);
      const taken = (c: Genome) => seen.has(this.space.key(c)) || queued.has(this.space.key(c));
      for (let i = 0; i < 50 && taken(child); i++) child = this.space.mutate(child, this.rng);
      if (taken(child)) child = this.fresh(new Set([...seen, ...queued]));
      queued.add(this.space.key(child));
      this.queue.push(child);
    }
    this.generationStart = history.length;
  }

  snapshot(): StrategySnapshot {
    return { strategy: this.name, version: 1, state: { rng: this.rng.state(), parents: [...this.parents], generationStart: this.generationStart, queue: this.queue.map((g) => [...g]) } };
  }

  restore(snapshot: StrategySnapshot): void {
    const s = snapshotState(snapshot, this.name);
    const ints = (v: unknown) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);
    if (!ints(s.parents) || !Number.isInteger(s.generationStart) || !Array.isArray(s.queue)) throw new EveError('SNAPSHOT_INVALID', 'an NSGA-II snapshot needs parents, generationStart and queue');
    const queue = (s.queue as unknown[]).map((q) => {
      if (!Array.isArray(q) || !q.every(Number.isInteger)) throw new EveError('SNAPSHOT_INVALID', 'an NSGA-II snapshot queue holds genomes (integer arrays)');
      return this.space.repair(q as number[]);
    });
    this.rng = rngFrom(s);
    this.parents = s.parents as number[];
    this.generationStart = s.generationStart as number;
    this.queue = queue;
  }
}

/**
 * Fast non-dominated sort with constrained domination, then crowding distance within each front.
 * Returns indices into `pool` best first, with each one's front rank and crowding distance.
 */
export function rankAndCrowd(pool: readonly Scored[], objectivesOf: (s: Scored) => number[]): { order: number[]; rank: number[]; crowding: number[] } {
  const n = pool.length;
  // infeasible members are ranked by their margin alone (and a rejected one has no modes to measure)
  const f = pool.map((s) => (s.score.feasible ? objectivesOf(s) : []));
  const feasible = pool.map((s) => s.score.feasible);
  const beats = (a: number, b: number) => {
    if (feasible[a] !== feasible[b]) return feasible[a]!;
    if (!feasible[a]) return pool[a]!.score.margin > pool[b]!.score.margin;
    return dominates(f[a]!, f[b]!);
  };
  const dominated: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    if (a === b) continue;
    if (beats(a, b)) dominated[a]!.push(b);
    else if (beats(b, a)) count[a]!++;
  }
  const rank = new Array<number>(n).fill(0);
  const crowding = new Array<number>(n).fill(0);
  const order: number[] = [];
  let front = count.map((c, i) => (c === 0 ? i : -1)).filter((i) => i >= 0);
  for (let r = 0; front.length > 0; r++) {
    for (const i of front) rank[i] = r;
    if (feasible[front[0]!]) crowd(front, f, crowding);
    order.push(...[...front].sort((a, b) => crowding[b]! - crowding[a]! || a - b));
    const next: number[] = [];
    for (const i of front) for (const j of dominated[i]!) if (--count[j]! === 0) next.push(j);
    front = next;
  }
  return { order, rank, crowding };
}

function crowd(front: number[], f: number[][], crowding: number[]): void {
  for (const i of front) crowding[i] = 0;
  const dims = f[front[0]!]!.length;
  for (let d = 0; d < dims; d++) {
    const s = [...front].sort((a, b) => f[a]![d]! - f[b]![d]! || a - b);
    const span = f[s[s.length - 1]!]![d]! - f[s[0]!]![d]!;
    crowding[s[0]!] = Infinity;
    crowding[s[s.length - 1]!] = Infinity;
    if (span <= 0) continue;
    for (let k = 1; k < s.length - 1; k++) crowding[s[k]!]! += (f[s[k + 1]!]![d]! - f[s[k - 1]!]![d]!) / span;
  }
}
