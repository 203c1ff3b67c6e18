/**
 * From shared weights and nested masks to a deployable `.eve` package, checked on the way:
 * the bytes are read back through the same validating reader a board uses, and every mode is
 * extracted before anything is sent to hardware.
 */
import { EveError, extract, readPackage, writePackage, type EvePackage, type KernelFormat } from '@eve-bench/device-agent';
import { toModelSpec, type Split, type TrainedModel } from '@eve-bench/search';

export interface BuiltPackage {
  bytes: Uint8Array;
  pkg: EvePackage;
}

/** `format`: one kernel format for every prunable layer, or one per layer. */
export function buildPackage(trained: TrainedModel, keep: Int8Array[], name: string, modeNames: string[], format?: KernelFormat | readonly KernelFormat[]): BuiltPackage {
  const bytes = writePackage(toModelSpec(trained, keep, { name, modeNames, format }));
  const pkg = readPackage(bytes);
  for (let m = 0; m < pkg.modes.length; m++) {
    const model = extract(pkg, m);
    if (model.outputLength !== pkg.outputs) {
      throw new EveError('PKG_EXTRACT_CHECK', `mode ${m} of ${name} extracts with ${model.outputLength} outputs, package says ${pkg.outputs}`);
    }
  }
  return { bytes, pkg };
}

export function inputsOf(split: Split, count: number, features: number): Uint8Array[] {
  const n = Math.min(count, split.count);
  return Array.from({ length: n }, (_, i) => split.images.subarray(i * features, (i + 1) * features));
}
