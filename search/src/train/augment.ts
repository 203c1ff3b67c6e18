/**
 * Training-time augmentation: each image of a batch shifted by a random whole number of pixels
 * (up to `maxShift` in x and y, zero fill). Small shifts are the classic MNIST augmentation that
 * takes a LeNet-5 past 99 %; the shifts come from an RNG seeded by (seed, epoch, batch), so a
 * resumed run draws the same ones.
 */
import { EveError } from '@eve-bench/device-agent';
import type { Split } from '../data/dataset.js';
import { createRng } from '../rng/rng.js';

export interface Augment {
  /** Largest shift in pixels along each axis (0: none). */
  maxShift: number;
}

export function validateAugment(a: Augment): void {
  if (!Number.isInteger(a.maxShift) || a.maxShift < 0 || a.maxShift > 8) throw new EveError('AUGMENT_INVALID', `augment.maxShift must be an integer in 0..8, got ${a.maxShift}`);
}

/** The seed of one batch's shifts: a pure function of (seed, epoch, batch). */
export function batchSeed(seed: number, epoch: number, batch: number): number {
  return ((seed ^ 0xa5a5) + Math.imul(epoch + 1, 0x85ebca6b) + Math.imul(batch + 1, 0xc2b2ae35)) >>> 0;
}

/**
 * The batch's images (`idx` into `split`) shifted, as a new split holding only them, in order.
 * `shape` is [height, width, channels] of one image.
 */
export function shiftedBatch(split: Split, idx: ArrayLike<number>, shape: readonly [number, number, number], a: Augment, seed: number): Split {
  const [h, w, c] = shape;
  const features = h * w * c;
  const rng = createRng(seed);
  const images = new Uint8Array(idx.length * features);
  const labels = new Uint8Array(idx.length);
  const span = 2 * a.maxShift + 1;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    const dy = rng.int(span) - a.maxShift;
    const dx = rng.int(span) - a.maxShift;
    labels[i] = split.labels[j]!;
    const src = j * features;
    const dst = i * features;
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const from = src + ((y - dy) * w + Math.max(0, -dx)) * c;
      const len = (w - Math.abs(dx)) * c;
      images.set(split.images.subarray(from, from + len), dst + (y * w + Math.max(0, dx)) * c);
    }
  }
  return { images, labels, count: idx.length };
}
