import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from './backend.js';
import { distillLoss, softTargets, validateDistill } from './distill.js';

beforeAll(async () => { await initWasmBackend(); });

const value = (t: tf.Scalar) => t.dataSync()[0]!;

describe('distillLoss', () => {
  it('is plain cross-entropy without a teacher or with alpha 0', () => {
    tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d([1, 0], 'int32'), 3) as tf.Tensor2D;
      const s = tf.tensor2d([[0.1, 2, -1], [1, 0, 0.5]]);
      const ce = value(tf.losses.softmaxCrossEntropy(y, s) as tf.Scalar);
      expect(value(distillLoss(y, s, null, undefined))).toBeCloseTo(ce, 5);
      expect(value(distillLoss(y, s, softTargets(s, { temperature: 4, alpha: 0 }), { temperature: 4, alpha: 0 }))).toBeCloseTo(ce, 5);
    });
  });

  it('pulls the student towards the teacher: matching its logits costs less than contradicting them', () => {
    tf.tidy(() => {
      const d = { temperature: 4, alpha: 1 };
      const y = tf.oneHot(tf.tensor1d([0], 'int32'), 3) as tf.Tensor2D;
      const teacher = tf.tensor2d([[3, 1, -2]]);
      const soft = softTargets(teacher, d);
      const same = value(distillLoss(y, teacher, soft, d));
      const other = value(distillLoss(y, tf.tensor2d([[-2, 1, 3]]), soft, d));
      expect(same).toBeLessThan(other);
    });
  });

  it('rejects a temperature or weight out of range, naming the field', () => {
    expect(() => validateDistill({ temperature: 0.5, alpha: 0.5 }, 'fineTune.distill')).toThrow(/fineTune\.distill\.temperature/);
    expect(() => validateDistill({ temperature: 4, alpha: -0.1 })).toThrow(expect.objectContaining({ code: 'DISTILL_INVALID' }));
  });
});
