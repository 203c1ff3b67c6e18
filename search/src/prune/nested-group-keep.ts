/**
 * Nested masks over groups of consecutive weights (a 1x4 block, a whole output row): each group is
 * ranked by its L2 norm and kept or dropped whole. Mode m keeps the top
 * round(groups · (1 − s_m)) groups (at least one); a group a sparser mode keeps is kept by every
 * denser mode. The block and output-channel granularities are this with a group size of 4 and of
 * a row.
 */

/** keep[i]: the sparsest mode (of `sparsity.length`) keeping weight i's group, or -1. */
export function nestedGroupKeep(weights: Float32Array, groupSize: number, sparsity: readonly number[]): Int8Array {
  const groups = weights.length / groupSize;
  const norm = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let s = 0;
    for (let j = 0; j < groupSize; j++) s += weights[g * groupSize + j]! ** 2;
    norm[g] = s;
  }
  const order = Array.from({ length: groups }, (_, i) => i).sort((a, b) => norm[b]! - norm[a]! || a - b);
  const keep = new Int8Array(weights.length).fill(-1);
  for (let m = sparsity.length - 1; m >= 0; m--) {
    const kept = Math.max(1, Math.round(groups * (1 - sparsity[m]!)));
    for (let k = 0; k < kept; k++) {
      const at = order[k]! * groupSize;
      if (keep[at] === -1) keep.fill(m, at, at + groupSize);
    }
  }
  return keep;
}
