/**
 * The package a candidate ships as: its nested masks (per layer by granularity), each layer in
 * the kernel format the candidate chose, in its number format (int8: post-training quantized on
 * calibration inputs). The analytic evaluator prices this package and the bench deploys it.
 */
import { EveError, quantize, readPackage, writePackage, type EvePackage } from '@eve-bench/device-agent';
import { candidateKeep } from '../prune/candidate-keep.js';
import { toModelSpec } from '../prune/to-model-spec.js';
import { layerFormats, numberFormatOf, type Candidate } from '../space/candidate.js';
import type { TrainedModel } from '../train/trained-model.js';

export interface CandidatePackageOptions {
  name: string;
  modeNames: string[];
  /** Inputs the int8 activation scales are calibrated on (needed for int8 candidates). */
  calibration?: readonly Uint8Array[];
  /** Masks already built for this candidate on `model` (e.g. before fine-tuning it). */
  keep?: Int8Array[];
}

export interface CandidatePackage {
  keep: Int8Array[];
  bytes: Uint8Array;
  pkg: EvePackage;
}

export function candidatePackage(model: TrainedModel, c: Candidate, o: CandidatePackageOptions): CandidatePackage {
  const keep = o.keep ?? candidateKeep(model, c);
  const spec = toModelSpec(model, keep, { name: o.name, modeNames: o.modeNames, format: layerFormats(c) });
  if (numberFormatOf(c) === 'int8' && !o.calibration?.length) throw new EveError('CALIBRATION_MISSING', `${o.name} is an int8 candidate: quantizing it needs calibration inputs`);
  const bytes = writePackage(numberFormatOf(c) === 'int8' ? quantize(spec, o.calibration!) : spec);
  return { keep, bytes, pkg: readPackage(bytes) };
}

/** The first `count` inputs of a split, as the uint8 images the runtime takes. */
export function splitInputs(split: { images: Uint8Array; count: number }, count: number): Uint8Array[] {
  const n = Math.min(count, split.count);
  const features = split.count > 0 ? split.images.length / split.count : 0;
  return Array.from({ length: n }, (_, i) => split.images.subarray(i * features, (i + 1) * features));
}
