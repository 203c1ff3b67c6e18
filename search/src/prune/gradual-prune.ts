/**
 * Gradual nested pruning (the cubic schedule of Zhu & Gupta 2017, "To prune, or not to prune"),
 * trained jointly for every mode: starting from the dense model, each mode's per-layer sparsity
 * ramps as s_t = s_target (1 - (1 - t / T)³) over the first T steps, and every `maskEvery` steps
 * the nested masks are re-derived from the current weights' magnitudes (nestedMagnitudeKeep), so
 * the network keeps adapting while weights leave it a few at a time instead of all at once. Each
 * batch runs forward and backward under every mode's mask with weighted losses, optionally
 * distilled from the dense teacher; after each step the densest mask is re-applied so weights no
 * mode keeps stay exactly zero. The masks travel in the checkpoint: a resumed run continues the
 * very schedule it left.
 */
import * as tf from '@tensorflow/tfjs';
import { EveError } from '@eve-bench/device-agent';
import type { Dataset } from '../data/dataset.js';
import { disposeVars, forward, modelFrom, paramsFromVars, varsFromParams } from '../train/mlp-graph.js';
import { maskTensor, trainLoop, type TrainOptions } from '../train/train-dense.js';
import type { TrainedModel } from '../train/trained-model.js';
import { distillLoss, softTargets, validateDistill, type Distill } from '../train/distill.js';
import { defaultLossWeights } from './fine-tune-joint.js';
import { nestedMagnitudeKeep, validateSparsity } from './nested-keep.js';
import { nestedBlockMagnitudeKeep } from './nested-block-keep.js';

export interface GradualPruneOptions extends TrainOptions {
  /** Epochs over which the sparsity ramps to its target; the remaining epochs fine-tune at the target. */
  rampEpochs: number;
  /** Re-derive the masks every this many batches during the ramp. */
  maskEvery: number;
  lossWeights?: number[];
  /** Learn from the teacher's softened outputs too. */
  distill?: Distill;
  /** The distillation teacher; default the model pruning starts from. */
  teacher?: TrainedModel;
  /** Keep or drop aligned 1x4 blocks in layers whose rows split into fours (the block1x4 kernel's format). */
  blocks?: boolean;
}

export interface PrunedModel {
  model: TrainedModel;
  /** keep[l][i] = the sparsest mode that keeps weight i of prunable layer l, -1 for none. */
  keep: Int8Array[];
}

/** The cubic schedule: the fraction of the target sparsity reached after `step` of `rampSteps`. */
export function rampFraction(step: number, rampSteps: number): number {
  if (rampSteps <= 0 || step >= rampSteps) return 1;
  return 1 - (1 - Math.max(0, step) / rampSteps) ** 3;
}

export function validateGradual(o: GradualPruneOptions): void {
  if (!(o.rampEpochs > 0 && o.rampEpochs <= o.epochs)) throw new EveError('PRUNE_INVALID', `rampEpochs must be in (0, epochs = ${o.epochs}], got ${o.rampEpochs}`);
  if (!Number.isInteger(o.maskEvery) || o.maskEvery < 1) throw new EveError('PRUNE_INVALID', `maskEvery must be a positive integer, got ${o.maskEvery}`);
  if (o.distill) validateDistill(o.distill);
}

export async function gradualNestedPrune(dense: TrainedModel, target: number[][], data: Dataset, o: GradualPruneOptions): Promise<PrunedModel> {
  validateSparsity(target, dense.params.length);
  validateGradual(o);
  const modes = target.length;
  const weights = o.lossWeights ?? defaultLossWeights(modes);
  if (weights.length !== modes) throw new EveError('PRUNE_INVALID', `${weights.length} loss weights for ${modes} modes`);
  const batches = Math.ceil(data.train.count / o.batchSize);
  const rampSteps = Math.max(1, Math.round(o.rampEpochs * batches));
  const v = varsFromParams(dense.params);
  const teacherModel = o.teacher ?? dense;
  const teacher = o.distill ? varsFromParams(teacherModel.params) : null;
  // every mode keeps everything until the first update
  let keep: Int8Array[] = dense.params.map((p) => new Int8Array(p.weights.length).fill(modes - 1));
  let masks: tf.Tensor[][] = [];
  const setKeep = (k: Int8Array[]) => {
    keep = k;
    masks.flat().forEach((t) => t.dispose());
    masks = Array.from({ length: modes }, (_, m) => keep.map((kl, l) => maskTensor(kl, m, dense.params[l]!)));
    tf.tidy(() => v.w.forEach((w, l) => w.assign(tf.mul(w, masks[0]![l]!))));
  };
  const prune = (step: number) => {
    const f = rampFraction(step, rampSteps);
    const now = { spec: dense.spec, params: paramsFromVars(dense.spec, v) };
    const at = target.map((row) => row.map((s) => s * f));
    setKeep(o.blocks ? nestedBlockMagnitudeKeep(now, at) : nestedMagnitudeKeep(now, at));
  };
  setKeep(keep);
  try {
    await trainLoop(v, data, {
      ...o,
      checkpoint: o.checkpoint && {
        ...o.checkpoint,
        extra: {
          save: () => keep.map((k, l) => ({ name: `keep${l}`, shape: [k.length], data: Float32Array.from(k) })),
          restore: (saved) => {
            if (saved.length !== keep.length || saved.some((s, l) => s.data.length !== keep[l]!.length)) {
              throw new EveError('CHECKPOINT_MISMATCH', 'the checkpoint\'s pruning masks do not match the network');
            }
            setKeep(saved.map((s) => Int8Array.from(s.data)));
          },
        },
      },
    }, (x, y) => {
      const soft = teacher && o.distill ? softTargets(forward(teacherModel.spec, teacher, x), o.distill) : null;
      let total = tf.scalar(0);
      for (let m = 0; m < modes; m++) total = tf.add(total, tf.mul(weights[m]!, distillLoss(y, forward(dense.spec, v, x, masks[m]), soft, o.distill)));
      return total as tf.Scalar;
    }, (at) => {
      const step = at.epoch * at.batches + at.batch + 1;
      if (step <= rampSteps && (step % o.maskEvery === 0 || step === rampSteps)) prune(step);
      else tf.tidy(() => v.w.forEach((w, l) => w.assign(tf.mul(w, masks[0]![l]!))));
    });
    return { model: modelFrom(dense.spec, v), keep };
  } finally {
    disposeVars(v);
    if (teacher) disposeVars(teacher);
    masks.flat().forEach((t) => t.dispose());
  }
}
