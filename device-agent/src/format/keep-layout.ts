/**
 * Which kernel formats a layer's nested keep array can be stored in. A layer stored dense serves
 * every mode from one matrix, so every mode must keep the same weights; a 1x4 block layer keeps
 * or drops aligned groups of four inputs of one row together, so the four must share a keep tier.
 */
import type { KernelFormat } from './model-spec.js';

/** Weights per block of the block1x4 format: consecutive inputs of one output row. */
export const BLOCK = 4;

/** Every weight is kept by all modes (keep = modes-1) or by none (-1). */
export function keepIsModeUniform(keep: Int8Array, modes: number): boolean {
  for (let i = 0; i < keep.length; i++) if (keep[i] !== -1 && keep[i] !== modes - 1) return false;
  return true;
}

/** Rows of `cols` split into aligned blocks of four weights that each share one keep value. */
export function keepIsBlockUniform(keep: Int8Array, cols: number): boolean {
  if (cols % BLOCK !== 0 || keep.length % cols !== 0) return false;
  for (let i = 0; i < keep.length; i += BLOCK) {
    const k = keep[i];
    if (keep[i + 1] !== k || keep[i + 2] !== k || keep[i + 3] !== k) return false;
  }
  return true;
}

/** The formats `keep` can be written in (rowPrefixSparse always can). */
export function storableFormats(keep: Int8Array, cols: number, modes: number, conv: boolean): KernelFormat[] {
  const formats: KernelFormat[] = ['rowPrefixSparse'];
  if (keepIsModeUniform(keep, modes)) formats.push('dense');
  // the block kernel is for fully-connected rows; LeNet-5's conv rows (25, 150 taps) do not split into 4s
  if (!conv && keepIsBlockUniform(keep, cols)) formats.push('block1x4');
  return formats;
}

/** Weights each mode keeps in `keep` (mode m keeps keep[i] >= m). */
export function keptPerMode(keep: Int8Array, modes: number): number[] {
  const atTier = new Array<number>(modes).fill(0);
  for (let i = 0; i < keep.length; i++) if (keep[i]! >= 0) atTier[keep[i]!]!++;
  const kept = new Array<number>(modes).fill(0);
  let sum = 0;
  for (let m = modes - 1; m >= 0; m--) { sum += atTier[m]!; kept[m] = sum; }
  return kept;
}
