/**
 * Joint fine-tuning of one shared weight set under every mode's mask: each batch runs forward
 * and backward under each mask, losses weighted (default 0.5/0.3/0.2, densest first), the summed
 * gradient takes one optimizer step, and the densest mask is re-applied so weights that no mode
 * keeps stay exactly zero.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import { disposeVars, forward, modelFrom, varsFromParams } from '../train/mlp-graph.js';
import { maskTensor, trainLoop, type TrainOptions } from '../train/train-dense.js';
import type { TrainedModel } from '../train/trained-model.js';
import { EveError } from '@eve-bench/device-agent';
import { distillLoss, softTargets, validateDistill, type Distill } from '../train/distill.js';

export interface FineTuneOptions extends TrainOptions {
  lossWeights?: number[];
  /** Train on the first N training examples only (a shorter epoch per candidate). */
  trainCount?: number;
  /** Every mode also learns from the teacher's softened outputs. */
  distill?: Distill;
  /** The distillation teacher (typically the dense model); required with `distill`. */
  teacher?: TrainedModel;
}

export function defaultLossWeights(modes: number): number[] {
  const base = modes === 3 ? [0.5, 0.3, 0.2] : Array.from({ length: modes }, (_, i) => modes - i);
  const sum = base.reduce((a, b) => a + b, 0);
  return base.map((w) => w / sum);
}

export async function fineTuneJoint(model: TrainedModel, keep: Int8Array[], data: Dataset, o: FineTuneOptions): Promise<TrainedModel> {
  const modes = Math.max(...keep.map((k) => k.reduce((a, b) => Math.max(a, b), -1))) + 1;
  const weights = o.lossWeights ?? defaultLossWeights(modes);
  if (o.distill) {
    validateDistill(o.distill, 'fineTune.distill');
    if (!o.teacher) throw new EveError('DISTILL_INVALID', 'fineTune.distill needs a teacher model');
  }
  const teacher = o.distill && o.teacher ? varsFromParams(o.teacher.params) : null;
  const v = varsFromParams(model.params);
  const masks = Array.from({ length: modes }, (_, m) => keep.map((k, d) => maskTensor(k, m, model.params[d]!)));
  const reapply = () => tf.tidy(() => v.w.forEach((w, d) => w.assign(tf.mul(w, masks[0]![d]!))));
  reapply();
  const n = Math.min(o.trainCount ?? data.train.count, data.train.count);
  const subset = n === data.train.count ? data.train : { images: data.train.images.subarray(0, n * data.features), labels: data.train.labels.subarray(0, n), count: n };
  try {
    await trainLoop(v, data, o, (x, y) => {
      const soft = teacher && o.distill && o.teacher ? softTargets(forward(o.teacher.spec, teacher, x), o.distill) : null;
      let total = tf.scalar(0);
      for (let m = 0; m < modes; m++) {
        total = tf.add(total, tf.mul(weights[m] ?? 0, distillLoss(y, forward(model.spec, v, x, masks[m]), soft, o.distill)));
      }
      return total as tf.Scalar;
    }, reapply, subset);
    return modelFrom(model.spec, v);
  } finally {
    disposeVars(v);
    if (teacher) disposeVars(teacher);
    masks.flat().forEach((t) => t.dispose());
  }
}
