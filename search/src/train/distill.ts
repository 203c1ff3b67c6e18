/**
 * Knowledge distillation (Hinton et al. 2015): the student learns from the labels and from the
 * teacher's softened output. With temperature T and weight alpha the loss is
 * (1 - alpha) CE(labels, student) + alpha T² CE(softmax(teacher / T), student / T); the T² keeps
 * the soft term's gradients on the scale of the hard one's.
 */
import * as tf from '@tensorflow/tfjs';
import { EveError } from '@eve-bench/device-agent';

export interface Distill {
  temperature: number;
  /** Weight of the teacher's soft targets, in [0, 1]. */
  alpha: number;
}

export function validateDistill(d: Distill, where = 'distill'): void {
  if (!(d.temperature >= 1 && d.temperature <= 20)) throw new EveError('DISTILL_INVALID', `${where}.temperature must be in [1, 20], got ${d.temperature}`);
  if (!(d.alpha >= 0 && d.alpha <= 1)) throw new EveError('DISTILL_INVALID', `${where}.alpha must be in [0, 1], got ${d.alpha}`);
}

/** The teacher's soft targets for a batch: softmax(logits / T). */
export function softTargets(teacherLogits: tf.Tensor2D, d: Distill): tf.Tensor2D {
  return tf.softmax(tf.div(teacherLogits, d.temperature)) as tf.Tensor2D;
}

/** The loss of `student` logits given one-hot `y` and, when distilling, the teacher's soft targets. */
export function distillLoss(y: tf.Tensor2D, student: tf.Tensor2D, soft: tf.Tensor2D | null, d: Distill | undefined): tf.Scalar {
  const hard = tf.losses.softmaxCrossEntropy(y, student) as tf.Scalar;
  if (!d || !soft || d.alpha === 0) return hard;
  const t = d.temperature;
  const softLoss = tf.mul(tf.losses.softmaxCrossEntropy(soft, tf.div(student, t)), t * t);
  return tf.add(tf.mul(hard, 1 - d.alpha), tf.mul(softLoss, d.alpha)) as tf.Scalar;
}
