/**
 * REINFORCE with a recurrent controller (Williams 1992; Zoph & Le's NAS controller), the EVE
 * paper's search method. The controller makes one decision per gene of the genome, in the
 * space's order (number format, kernels, granularities, sparsities mode by mode, policy). At each
 * step a GRU reads its previous decision and which decision comes next (one-hot each) and emits a
 * distribution over one shared head of max-gene-size outputs; values the gene does not have,
 * sparsities below the same layer's in the previous mode (so every sample nests) and, with
 * `refused`, values the decoder must refuse given the earlier decisions are masked out.
 *
 * Learning: the rewards of `batch` proposals are collected, then the controller takes one
 * gradient step on −(1/B) Σ_i A_i · Σ_t log π(a_it), with the advantage A_i = (R_i − b)/σ: b an
 * exponential moving average of the batch means (the baseline), σ a moving average of the
 * rewards' spread around it (so one learning rate fits any reward scale), clipped. `batch` 1 is
 * the one-sample update. The default reward is `shapedReward` (refused < short of a floor <
 * feasible, each graded); with `front`, a feasible candidate is also paid for what it adds to the
 * hypervolume of the feasible front found so far (front-reward.ts). `warmup`: the first proposals
 * are uniform random, as NSGA-II's first population is, and the controller learns from them as if
 * it had sampled them (off-policy, but its initial policy is close to uniform over each gene's
 * allowed values): it starts its climb from where random search stands rather than from its own
 * initial, biased samples; `explore` keeps a share of uniform draws after it. An optional
 * entropy bonus β · Σ H(π_t) joins the loss. Options measured on the tuning seeds and kept for
 * experiments (BENCHMARKS.md): Adam, several steps per batch, batch-normalised advantages, and
 * later modes' sparsities decided as steps above the previous mode's (`relativeModes`).
 *
 * Sampling uses the injected seeded RNG; weights are initialised from it, so a run is
 * reproducible. Plain SGD (the default) keeps the optimiser stateless: the weights, the RNG, the
 * baseline, the batch being collected, the front archive and the pending sample are the whole
 * state (with Adam, its moments too), which `snapshot` writes as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import { EveError } from '@eve-bench/device-agent';
import type { Rng } from '../rng/rng.js';
import type { Genome, GenomeSpace } from '../space/genome-space.js';
import type { Point3 } from '../pareto/hypervolume.js';
import { AdamMoments } from './adam-moments.js';
import { FrontArchive } from './front-reward.js';
import { shapedReward } from './shaped-reward.js';
import { rngFrom, snapshotState, type Scored, type SearchStrategy, type StrategySnapshot } from './search-strategy.js';

export interface ReinforceOptions {
  hidden: number;
  learningRate: number;
  /** Weight of the old value in the moving-average baseline (e.g. 0.9). */
  baselineDecay: number;
  /**
   * Reward of a scored evaluation, given the best feasible value seen so far. The default,
   * `shapedReward`, keeps refused < infeasible < feasible and grades each, so a controller that
   * starts among infeasible candidates has a gradient to climb out.
   */
  reward?: (s: Scored, bestFeasible: number) => number;
  /** Weight β of the entropy bonus (0, the default, is plain REINFORCE). */
  entropyWeight?: number;
  /** Proposals per controller update (default 1). */
  batch?: number;
  /** Uniform random proposals before the controller samples (default 0). */
  warmup?: number;
  /**
   * After the warm-up, the share of proposals that are uniform random (learned from like the
   * warm-up's), so that a controller which has converged onto infeasible or dominated genomes
   * still sees what random search sees (default 0).
   */
  explore?: number;
  /** 'sgd' (default, stateless) or 'adam' (its moments join the snapshot). */
  optimizer?: 'sgd' | 'adam';
  /** Gradient steps per collected batch (default 1). */
  stepsPerBatch?: number;
  /**
   * How advantages are scaled: 'moving' (default) divides R − b by a moving average of the
   * rewards' spread around the baseline; 'batch' centres and scales each batch by its own mean
   * and standard deviation (the baseline then only tracks the batch means).
   */
  advantages?: 'moving' | 'batch';
  /**
   * The controller picks a sparsity of mode m ≥ 1 as its step above the same layer's in mode
   * m − 1 (0: the same) rather than as an absolute choice: "a little sparser than the last mode"
   * is then one head output in every context, which the controller can learn once.
   */
  relativeModes?: boolean;
  /**
   * A feasible evaluation's objectives, minimised and normalised so that (1, 1, 1) is the
   * reference point (pareto-front.ts `objectives`): with it, the default reward also credits the
   * candidate's hypervolume terms (front-reward.ts).
   */
  front?: (s: Scored) => Point3;
  /**
   * Values of decision t the decoder must refuse given the decisions before it (space/
   * refused-values.ts: formats the runtime lacks, identical modes, over the memory budget): masked
   * out like the nesting floor, so the controller neither spends proposals on genomes the decoder
   * must refuse nor learns that a choice is bad because of a partner it happened to draw with it
   * (int8 is good; int8 with a 1x4 layer cannot run). Never every allowed value: the decoder then
   * names what is wrong. A proposal containing a masked value (a warm-up draw, a mutated repeat)
   * is not learned from.
   */
  refused?: (actions: readonly number[], t: number) => readonly number[];
}

const MAX_ADVANTAGE = 3;
const NAMES = ['wz', 'uz', 'bz', 'wr', 'ur', 'br', 'wh', 'uh', 'bh', 'wo', 'bo'] as const;
type Weights = Record<(typeof NAMES)[number], tf.Variable>;

export class ReinforceStrategy implements SearchStrategy {
  readonly name = 'reinforce';
  private readonly w: Weights;
  private baseline: number | null = null;
  private spread = 0;
  /** Best feasible objective value observed, the scale of the shaped reward. */
  private bestFeasible = 0;
  /** Actions (gene values, in genome order) of the proposal awaiting its evaluation. */
  private pending: number[] | null = null;
  /** Rewarded proposals collected for the next update. */
  private collected: { actions: number[]; reward: number }[] = [];
  private archive = new FrontArchive();
  private readonly adam: AdamMoments | null;
  private readonly steps: number;
  private readonly k: number;

  /** Input width: previous action (k values + "none") and the step about to be decided. */
  private readonly inputs: number;

  constructor(private readonly space: GenomeSpace, private rng: Rng, private readonly o: ReinforceOptions) {
    const batch = o.batch ?? 1, warmup = o.warmup ?? 0, steps = o.stepsPerBatch ?? 1;
    if (!(o.hidden >= 1 && o.learningRate > 0 && o.baselineDecay >= 0 && o.baselineDecay < 1 && (o.entropyWeight ?? 0) >= 0 && Number.isInteger(batch) && batch >= 1 && Number.isInteger(warmup) && warmup >= 0 && Number.isInteger(steps) && steps >= 1 && (o.explore ?? 0) >= 0 && (o.explore ?? 0) <= 1)
      || !['sgd', 'adam'].includes(o.optimizer ?? 'sgd') || !['moving', 'batch'].includes(o.advantages ?? 'moving')) {
      throw new EveError('STRATEGY_OPTIONS', 'REINFORCE needs hidden ≥ 1, learningRate > 0, baselineDecay in [0, 1), entropyWeight ≥ 0, integers batch ≥ 1, warmup ≥ 0 and stepsPerBatch ≥ 1, explore in [0, 1], optimizer sgd or adam, advantages moving or batch');
    }
    this.k = Math.max(...space.genes.map((g) => g.size));
    this.steps = space.genes.length;
    this.inputs = this.k + 1 + this.steps;
    const h = o.hidden, k = this.k, x = this.inputs;
    const shapes: Record<(typeof NAMES)[number], [number, number]> = {
      wz: [x, h], uz: [h, h], bz: [1, h], wr: [x, h], ur: [h, h], br: [1, h], wh: [x, h], uh: [h, h], bh: [1, h], wo: [h, k], bo: [1, k],
    };
    // seeded Glorot-scaled normal initialisation (biases zero), so weights depend on the seed only
    this.w = Object.fromEntries(NAMES.map((n) => {
      const [r, c] = shapes[n];
      const scale = n.startsWith('b') ? 0 : Math.sqrt(2 / (r + c));
      return [n, tf.variable(tf.tensor2d(Float32Array.from({ length: r * c }, () => this.rng.normal() * scale), [r, c]))];
    })) as Weights;
    this.adam = o.optimizer === 'adam' ? new AdamMoments(shapes) : null;
  }

  propose(history: readonly Scored[]): Genome {
    const seen = new Set(history.map((h) => this.space.key(h.genome)));
    // the exploration draw only when asked for, so that without it the RNG sequence is as before
    const uniform = history.length < (this.o.warmup ?? 0) || ((this.o.explore ?? 0) > 0 && this.rng.next() < this.o.explore!);
    const draw = () => (uniform ? this.space.random(this.rng) : this.space.repair(this.sample()));
    let g = draw();
    // a repeat teaches nothing new: resample a few times before accepting it
    for (let i = 0; i < 20 && seen.has(this.space.key(g)); i++) g = draw();
    // a converged policy keeps sampling what it has seen: step to an unseen neighbour instead and
    // learn from it as if sampled (a canonical genome is a valid action sequence under the masks)
    for (let i = 0; i < 50 && seen.has(this.space.key(g)); i++) g = this.space.mutate(g, this.rng);
    this.pending = [...g];
    return g;
  }

  observe(scored: Scored): void {
    const actions = this.pending;
    this.pending = null;
    if (!actions) return; // an evaluation this controller did not propose
    if (scored.score.feasible && scored.score.value > this.bestFeasible) this.bestFeasible = scored.score.value;
    const front = scored.score.feasible && this.o.front ? this.archive.add(this.o.front(scored)) : undefined;
    const r = this.o.reward ? this.o.reward(scored, this.bestFeasible) : shapedReward(scored.score, this.bestFeasible, front);
    if (!Number.isFinite(r)) throw new EveError('REWARD_INVALID', `REINFORCE got a non-finite reward ${r}`);
    // the policy cannot sample a masked action: its log-probability would be −∞
    if (actions.every((v, t) => this.allowed(actions, t)[v - this.offset(actions, t)])) this.collected.push({ actions, reward: r });
    if (this.collected.length >= (this.o.batch ?? 1)) this.update(this.collected.splice(0));
  }

  /** One policy-gradient step on a batch against the moving-average baseline. */
  private update(batch: { actions: number[]; reward: number }[]): void {
    const rewards = batch.map((b) => b.reward);
    const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
    const b = this.baseline ?? mean; // the first batch is its own baseline (one sample: no step)
    const d = this.o.baselineDecay;
    const dev = rewards.reduce((a, r) => a + Math.abs(r - b), 0) / rewards.length;
    // spread updated before dividing; it starts at the first non-zero deviation so a first surprise
    // does not scale to 1 / (1 − d); clipped so no single reward can collapse the policy
    this.spread = this.spread === 0 ? dev : d * this.spread + (1 - d) * dev;
    const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / rewards.length);
    const clip = (a: number) => Math.max(-MAX_ADVANTAGE, Math.min(MAX_ADVANTAGE, a));
    const advantages = (this.o.advantages ?? 'moving') === 'batch'
      ? rewards.map((r) => (std > 1e-9 ? clip((r - mean) / std) : 0))
      : rewards.map((r) => (this.spread > 0 ? clip((r - b) / this.spread) : 0));
    this.baseline = d * b + (1 - d) * mean;
    const beta = this.o.entropyWeight ?? 0;
    if (advantages.every((a) => a === 0) && beta === 0) return;
    const vars = NAMES.map((n) => this.w[n]);
    for (let step = 0; step < (this.o.stepsPerBatch ?? 1); step++) tf.tidy(() => {
      const loss = () => {
        let total = tf.scalar(0);
        for (const [i, { actions }] of batch.entries()) {
          const { logProb, entropy } = this.trajectory(actions);
          total = tf.add(total, tf.add(tf.mul(advantages[i]!, logProb), tf.mul(beta, entropy)));
        }
        return tf.div(tf.neg(total), batch.length) as tf.Scalar;
      };
      const { grads } = tf.variableGrads(loss, vars);
      this.adam?.tick();
      for (const n of NAMES) {
        const grad = grads[this.w[n].name]!;
        this.w[n].assign(tf.sub(this.w[n], this.adam ? this.adam.delta(n, grad, this.o.learningRate) : tf.mul(this.o.learningRate, grad)));
      }
    });
  }

  /** The controller's current probability of proposing the canonical genome `g` (before de-duplication). */
  probability(g: Genome): number {
    return Math.exp(tf.tidy(() => this.trajectory(this.space.repair(g)).logProb.dataSync()[0]!));
  }

  /** Samples one genome with the seeded RNG from the controller's current policy. */
  private sample(): number[] {
    const genes: number[] = [];
    tf.tidy(() => {
      let h = tf.zeros([1, this.o.hidden]) as tf.Tensor2D;
      let prev = this.k;
      for (let t = 0; t < this.steps; t++) {
        const step = this.step(h, prev, genes, t);
        h = step.h;
        const p = step.probs.dataSync();
        let u = this.rng.next();
        let a = -1;
        for (let i = 0; i < this.k; i++) { if (p[i]! > 0 && (u -= p[i]!) < 0) { a = i; break; } }
        if (a < 0 || !step.allowed[a]) a = step.allowed.lastIndexOf(true); // rounding left u past the last allowed choice
        genes.push(a + this.offset(genes, t));
        prev = a;
      }
    });
    return genes;
  }

  /** Σ log π(a_t) and Σ H(π_t), differentiable, for the decisions that make the genome `genes` (teacher-forced). */
  private trajectory(genes: number[]): { logProb: tf.Scalar; entropy: tf.Scalar } {
    let h = tf.zeros([1, this.o.hidden]) as tf.Tensor2D;
    let logProb = tf.scalar(0);
    let entropy = tf.scalar(0);
    let prev = this.k;
    for (let t = 0; t < this.steps; t++) {
      const step = this.step(h, prev, genes, t);
      h = step.h;
      const a = genes[t]! - this.offset(genes, t);
      const logP = tf.log(tf.add(step.probs, 1e-12));
      // a one-hot dot product rather than gather: gather's gradient has no WASM kernel
      logProb = tf.add(logProb, tf.sum(tf.mul(logP, tf.oneHot(a, this.k))));
      // masked values have p ≈ 0 and add nothing
      entropy = tf.sub(entropy, tf.sum(tf.mul(step.probs, logP)));
      prev = a;
    }
    return { logProb: logProb as tf.Scalar, entropy: entropy as tf.Scalar };
  }

  /** One GRU step on the previous decision (head output; k: none) and the step index; the softmax masked to the allowed outputs. */
  private step(hPrev: tf.Tensor2D, prev: number, genes: readonly number[], t: number): { h: tf.Tensor2D; probs: tf.Tensor1D; allowed: boolean[] } {
    const w = this.w;
    const x = tf.concat([tf.oneHot([prev], this.k + 1), tf.oneHot([t], this.steps)], 1).toFloat() as tf.Tensor2D;
    const z = tf.sigmoid(tf.add(tf.add(tf.matMul(x, w.wz), tf.matMul(hPrev, w.uz)), w.bz));
    const r = tf.sigmoid(tf.add(tf.add(tf.matMul(x, w.wr), tf.matMul(hPrev, w.ur)), w.br));
    const cand = tf.tanh(tf.add(tf.add(tf.matMul(x, w.wh), tf.matMul(tf.mul(r, hPrev), w.uh)), w.bh));
    const h = tf.add(tf.mul(tf.sub(1, z), hPrev), tf.mul(z, cand)) as tf.Tensor2D;
    const allowed = this.allowed(genes, t);
    const mask = tf.tensor1d(allowed.map((ok) => (ok ? 0 : -1e9)));
    const probs = tf.softmax(tf.add(tf.add(tf.matMul(h, w.wo), w.bo).reshape([this.k]), mask)) as tf.Tensor1D;
    return { h, probs, allowed };
  }

  /** Gene t's value minus the head output that picks it: the nesting floor with `relativeModes`, else 0. */
  private offset(genes: readonly number[], t: number): number {
    return this.o.relativeModes ? this.space.floor(genes, t) : 0;
  }

  /** Per head output, whether decision t may take it: gene values from the nesting floor up, less the refused ones. */
  private allowed(genes: readonly number[], t: number): boolean[] {
    const floor = this.space.floor(genes, t);
    const offset = this.offset(genes, t);
    const size = this.space.genes[t]!.size;
    const allowed = Array.from({ length: this.k }, (_, i) => i + offset >= floor && i + offset < size);
    const banned = this.o.refused?.(genes, t) ?? [];
    // never mask every value: the decoder then names what is wrong
    if (banned.length > 0 && allowed.some((ok, i) => ok && !banned.includes(i + offset))) for (const v of banned) if (v - offset >= 0) allowed[v - offset] = false;
    return allowed;
  }

  snapshot(): StrategySnapshot {
    const weights = Object.fromEntries(NAMES.map((n) => [n, Array.from(this.w[n].dataSync())]));
    return { strategy: this.name, version: 1, state: { rng: this.rng.state(), weights, baseline: this.baseline, spread: this.spread, bestFeasible: this.bestFeasible, pending: this.pending, collected: this.collected, archive: this.archive.toJSON(), ...(this.adam ? { adam: this.adam.toJSON() } : {}) } };
  }

  restore(snapshot: StrategySnapshot): void {
    const s = snapshotState(snapshot, this.name);
    const weights = s.weights as Record<string, unknown> | undefined;
    const ok = typeof weights === 'object' && weights !== null && NAMES.every((n) => Array.isArray(weights[n]) && (weights[n] as unknown[]).length === this.w[n].size && (weights[n] as unknown[]).every(Number.isFinite));
    const pending = s.pending;
    const isActions = (a: unknown) => Array.isArray(a) && a.length === this.steps && a.every((v, t) => Number.isInteger(v) && v >= 0 && v < this.space.genes[t]!.size);
    const pendingOk = pending === null || isActions(pending);
    // snapshots from before batched updates carry no collected batch and no archive
    const collected = s.collected ?? [];
    const collectedOk = Array.isArray(collected) && collected.every((c) => typeof c === 'object' && c !== null && isActions(c.actions) && Number.isFinite(c.reward));
    // snapshots from before the shaped reward carry no best feasible value: 0 until one is seen
    const bestFeasible = s.bestFeasible ?? 0;
    if (!ok || !pendingOk || !collectedOk || !(s.baseline === null || Number.isFinite(s.baseline)) || !Number.isFinite(s.spread) || !Number.isFinite(bestFeasible)) {
      throw new EveError('SNAPSHOT_INVALID', `a REINFORCE snapshot needs weights for a ${this.o.hidden}-unit controller over ${this.steps} decisions of up to ${this.k} values, a baseline, a spread and the pending sample`);
    }
    const rng = rngFrom(s);
    const archive = FrontArchive.from(s.archive ?? []);
    if (this.adam) this.adam.restore(s.adam);
    for (const n of NAMES) this.w[n].assign(tf.tensor(weights![n] as number[], this.w[n].shape));
    this.rng = rng;
    this.baseline = s.baseline as number | null;
    this.spread = s.spread as number;
    this.bestFeasible = bestFeasible as number;
    this.pending = pending as number[] | null;
    this.collected = (collected as { actions: number[]; reward: number }[]).map((c) => ({ actions: [...c.actions], reward: c.reward }));
    this.archive = archive;
  }

  /** Frees the controller's tensors. */
  dispose(): void {
    for (const n of NAMES) this.w[n].dispose();
    this.adam?.dispose();
  }
}
