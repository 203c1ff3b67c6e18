/**
 * Sandwich supernet training (the "sandwich rule" of slimmable networks, Yu & Huang 2019, as used
 * by once-for-all): one shared weight set trained so that every nested sparsity configuration
 * works without being fine-tuned on its own. Each step sums the losses of the densest
 * configuration, the sparsest one and `randomConfigs` random configurations in between, and takes
 * one optimizer step on the sum.
 *
 * Which weights a configuration keeps comes from a fixed importance ranking per layer (magnitude
 * ranks of the dense model): sparsity s keeps the weights ranked in the top 1 - s. Any two
 * configurations therefore nest, masks cost one comparison per weight, and the candidates the
 * search scores later use the very same ranking (`keepFromRanks`). The random configurations of a
 * step are a pure function of (seed, epoch, batch), so a resumed run replays them.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import { createRng } from '../rng/rng.js';
import { validateSparsity } from '../prune/nested-keep.js';
import { disposeVars, forward, modelFrom, toTfLayout, varsFromParams } from '../train/mlp-graph.js';
import { trainLoop, type TrainOptions } from '../train/train-dense.js';
import type { TrainedModel } from '../train/trained-model.js';
import { distillLoss, softTargets, validateDistill, type Distill } from '../train/distill.js';

export interface SandwichOptions extends TrainOptions {
  /** The sparsities a layer may take (the search space's choices). */
  choices: number[];
  /** Per layer, the largest sparsity the search gives it (null: none), as GenomeSpace's `sparsityCaps`. */
  sparsityCaps?: (number | null)[];
  /** Random configurations per step besides the densest and the sparsest (default 2). */
  randomConfigs?: number;
  /** Train on the first N training examples only. */
  trainCount?: number;
  /** Every configuration also learns from the dense model's softened outputs (its fixed starting weights). */
  distill?: Distill;
}

export interface Supernet {
  model: TrainedModel;
  /** Per layer, rows layout: rank[i] / n in [0, 1), 0 = the most important weight. */
  ranks: Float32Array[];
}

/** Magnitude ranks of each layer's weights, normalised to [0, 1). Ties go to the lower index. */
export function magnitudeRanks(model: TrainedModel): Float32Array[] {
  return model.params.map((p) => {
    const n = p.weights.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(p.weights[b]!) - Math.abs(p.weights[a]!) || a - b);
    const ranks = new Float32Array(n);
    order.forEach((w, r) => { ranks[w] = r / n; });
    return ranks;
  });
}

/**
 * Nested keep arrays for a candidate from the ranks: weight i is kept by mode m when it ranks in
 * the top (1 - s_m) of its layer, and keep[i] is the sparsest such mode (-1: no mode keeps it).
 * Every layer keeps at least its best weight, as `nestedMagnitudeKeep` does.
 */
export function keepFromRanks(ranks: Float32Array[], sparsity: number[][]): Int8Array[] {
  validateSparsity(sparsity, ranks.length);
  return ranks.map((r, l) => {
    const n = r.length;
    const keep = new Int8Array(n).fill(-1);
    for (let m = sparsity.length - 1; m >= 0; m--) {
      const kept = Math.max(1, Math.round(n * (1 - sparsity[m]![l]!)));
      r.forEach((rank, i) => { if (keep[i] === -1 && Math.round(rank * n) < kept) keep[i] = m; });
    }
    return keep;
  });
}

/**
 * The configurations of one step: [densest, sparsest, random...], each a sparsity per layer; a
 * capped layer draws from the choices up to its cap only, so the supernet never trains a
 * configuration the search cannot propose.
 */
export function sandwichConfigs(choices: number[], layers: number, randomConfigs: number, seed: number, epoch: number, batch: number, caps?: readonly (number | null)[]): number[][] {
  const sorted = [...choices].sort((a, b) => a - b);
  const allowed = Array.from({ length: layers }, (_, l) => {
    const cap = caps?.[l];
    const list = cap === undefined || cap === null ? sorted : sorted.filter((x) => x <= cap + 1e-9);
    return list.length > 0 ? list : [sorted[0]!];
  });
  const rng = createRng((seed + Math.imul(epoch + 1, 0x9e3779b1) + Math.imul(batch + 1, 0x85ebca6b)) >>> 0);
  return [
    allowed.map((a) => a[0]!),
    allowed.map((a) => a[a.length - 1]!),
    ...Array.from({ length: randomConfigs }, () => allowed.map((a) => a[rng.int(a.length)]!)),
  ];
}

export async function trainSandwich(dense: TrainedModel, data: Dataset, o: SandwichOptions): Promise<Supernet> {
  const ranks = magnitudeRanks(dense);
  const v = varsFromParams(dense.params);
  const rankTensors = ranks.map((r, l) => toTfLayout(r, dense.params[l]!));
  const n = Math.min(o.trainCount ?? data.train.count, data.train.count);
  const subset = n === data.train.count ? data.train : { images: data.train.images.subarray(0, n * data.features), labels: data.train.labels.subarray(0, n), count: n };
  const k = o.randomConfigs ?? 2;
  if (o.distill) validateDistill(o.distill, 'supernet.distill');
  const teacher = o.distill ? varsFromParams(dense.params) : null;
  try {
    await trainLoop(v, data, o, (x, y, at) => {
      const configs = sandwichConfigs(o.choices, ranks.length, k, o.seed, at.epoch, at.batch, o.sparsityCaps);
      const soft = teacher && o.distill ? softTargets(forward(dense.spec, teacher, x), o.distill) : null;
      let total = tf.scalar(0);
      for (const config of configs) {
        // keep the top (1 - s) of the ranks; rounding as in keepFromRanks
        const masks = rankTensors.map((r, l) => tf.cast(tf.less(r, Math.max(1, Math.round(r.size * (1 - config[l]!))) / r.size - 0.5 / r.size), 'float32'));
        total = tf.add(total, distillLoss(y, forward(dense.spec, v, x, masks), soft, o.distill));
      }
      return tf.div(total, configs.length) as tf.Scalar;
    }, undefined, subset);
    return { model: modelFrom(dense.spec, v), ranks };
  } finally {
    disposeVars(v);
    if (teacher) disposeVars(teacher);
    rankTensors.forEach((t) => t.dispose());
  }
}
