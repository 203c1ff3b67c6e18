import { extract, extractInt8, type EvePackage } from '@eve-bench/device-agent';
import type { Split } from '../data/dataset.js';

/**
 * Top-1 accuracy of one mode of a package, run by the device-agent runtime (the code boards run):
 * the float32 kernels, or the int8 ones for an int8 package.
 */
export function runtimeAccuracy(pkg: EvePackage, mode: number, split: Split, limit = split.count): number {
  const model = pkg.dtype === 'int8' ? extractInt8(pkg, mode) : extract(pkg, mode);
  const run = (x: Uint8Array): ArrayLike<number> => ('runUint8' in model ? model.runUint8(x) : model.run(x));
  const n = Math.min(limit, split.count);
  const features = model.inputLength;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const out = run(split.images.subarray(i * features, (i + 1) * features));
    let best = 0;
    for (let k = 1; k < out.length; k++) if (out[k]! > out[best]!) best = k;
    if (best === split.labels[i]) correct++;
  }
  return n === 0 ? 0 : correct / n;
}
