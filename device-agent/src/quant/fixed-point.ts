/**
 * The int8 number format's arithmetic, exactly as an MCU (and the generated C) does it.
 *
 * - Weights: symmetric per output row (dense output / conv output channel), w ≈ q * weightScale[r],
 *   q in -127..127. Activations: symmetric per layer, a ≈ q * scale, q in -128..127 (0..127 after ReLU).
 * - Input: uint8 pixels p (real value p/255) enter as q = p >> 1, i.e. scale INPUT_SCALE = 2/255.
 * - A row accumulates in int32: acc = bias_q[r] + Σ w_q * x_q (bias_q = round(b / (weightScale[r] * inScale))).
 * - Requantization to the output scale with a Q31 multiplier and a single rounding right shift,
 *   as TFLite Micro and CMSIS-NN do when built with TFLITE_SINGLE_ROUNDING / CMSIS_NN_USE_SINGLE_ROUNDING:
 *     y = sat8( (int64(acc) * multiplier + 2^(shift-1)) >> shift )
 *   where >> is an arithmetic (flooring) shift, so halves round towards +infinity.
 *   multiplier * 2^-shift ≈ weightScale[r] * inScale / outScale, multiplier in [2^30, 2^31) (or 0).
 * The reader bounds |bias_q| ≤ 2^30 and rows to 65,535 weights, so |acc| < 2^31 (no int32 overflow).
 */
import { EveError } from '../errors/eve-error.js';

export const INPUT_SCALE = 2 / 255;
export const MIN_SHIFT = 16;
export const MAX_SHIFT = 62;
export const MAX_ABS_BIAS = 2 ** 30;

/** (multiplier, shift) with multiplier * 2^-shift ≈ real; real must be in [0, 2^15). */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (!(real >= 0) || real >= 2 ** (31 - MIN_SHIFT)) throw new EveError('QUANT_MULTIPLIER', `requantization factor ${real} is not in [0, ${2 ** (31 - MIN_SHIFT)})`);
  if (real === 0) return { multiplier: 0, shift: MIN_SHIFT };
  let shift = 30 - Math.floor(Math.log2(real));
  let m = Math.round(real * 2 ** shift);
  // log2 can be off by one near powers of two: normalise into [2^30, 2^31)
  while (m >= 2 ** 31) { shift--; m = Math.round(real * 2 ** shift); }
  while (m < 2 ** 30 && shift < MAX_SHIFT) { shift++; m = Math.round(real * 2 ** shift); }
  if (shift > MAX_SHIFT) { shift = MAX_SHIFT; m = Math.round(real * 2 ** shift); }
  if (shift < MIN_SHIFT) throw new EveError('QUANT_MULTIPLIER', `requantization factor ${real} needs a shift below ${MIN_SHIFT}`);
  return { multiplier: m, shift };
}

/**
 * (acc * multiplier + 2^(shift-1)) >> shift, exact in doubles for |acc| < 2^31,
 * 0 ≤ multiplier < 2^31, MIN_SHIFT ≤ shift ≤ MAX_SHIFT: the multiplier is split at bit 15 so
 * every partial product stays below 2^53 (an MCU does the same with a 32x32->64 multiply).
 */
export function requantize(acc: number, multiplier: number, shift: number): number {
  const hi = acc * (multiplier >> 15);
  const lo = acc * (multiplier & 0x7fff);
  // scaling by a power of two is exact, so multiplying by 2^-k is the division, without dividing
  return Math.floor((hi + POW2[shift - 16]! + Math.floor(lo * POW2_NEG[15]!)) * POW2_NEG[shift - 15]!);
}

/** 2^k and 2^-k for k = 0..MAX_SHIFT: constant tables, so requantize neither divides nor calls pow. */
const POW2 = Float64Array.from({ length: MAX_SHIFT + 1 }, (_, k) => 2 ** k);
const POW2_NEG = Float64Array.from({ length: MAX_SHIFT + 1 }, (_, k) => 2 ** -k);

export function saturate8(v: number): number {
  return v > 127 ? 127 : v < -128 ? -128 : v;
}

/** An input byte (pixel) in the int8 input scale. */
export function quantizeInput(p: number): number {
  return p >> 1;
}
