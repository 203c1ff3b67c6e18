/**
 * A device profile is data: clock, currents, and the cycle cost of the operations our kernels
 * perform. Every constant cites where it comes from; figures marked "approx." are estimates from
 * the cited documents and should be replaced by measurements on a real board.
 */

/** Number types the kernels (will) run in; int8 is priced already so the search can plan for it. */
export type Dtype = 'float32' | 'int8';

/**
 * The instruction-level cost of one multiply-accumulate, from which the per-MAC figures the cost
 * model uses are derived (macCycles). A dense MAC streams a weight and an activation; a row-prefix
 * sparse MAC also streams a column index and loads the activation indirectly through it.
 */
export interface MacRecipe {
  /** Load one weight (core cycles, zero-wait memory). */
  loadWeight: number;
  /** Load one activation from SRAM (after the weight load, where loads pipeline). */
  loadActivation: number;
  /** The multiply-accumulate itself. */
  mac: number;
  /** Loop counter, branch and pointer updates, per MAC (the kernels unroll by 4). */
  loopPerMac: number;
  /** Memory wait states per weight read from non-volatile memory, averaged over a line. */
  weightWait: number;
  /** Sparse only: load the uint16 column index. */
  loadIndex: number;
  /** Sparse only: wait states per index read, averaged over a line. */
  indexWait: number;
  /** Sparse only: turn the index into an address (scale and add). */
  indexAddress: number;
  /** Sparse only: the activation load depends on the index, so it stalls instead of pipelining. */
  indirectPenalty: number;
}

/**
 * Cycles per dense, row-prefix sparse and 1x4 block-sparse MAC from a recipe; profiles derive
 * their `cycles` with it. A 1x4 block pays for one column index and one indirect address per four
 * weights, and its four activations are contiguous, so only the block's first load stalls.
 */
export function macCycles(r: MacRecipe): { dense: number; sparse: number; block: number } {
  const dense = r.loadWeight + r.loadActivation + r.mac + r.loopPerMac + r.weightWait;
  const index = r.loadIndex + r.indexWait + r.indexAddress + r.indirectPenalty;
  return { dense, sparse: dense + index, block: dense + index / 4 };
}

export interface DeviceProfile {
  name: string;
  description: string;
  clockHz: number;
  /** Supply the current figures refer to. */
  nominalVoltageV: number;
  /** MCU current while running inference at clockHz. */
  activeCurrentA: number;
  /** Current in the low-power mode it waits in (UART wake-up kept). */
  sleepCurrentA: number;
  /**
   * The number format inference runs in on this part: int8 where there is no FPU (float32 would be
   * soft-float), float32 where there is one. Benchmarks and deployment price a device with it.
   */
  numberFormat: Dtype;
  /**
   * Memory a deployed model may use: the package (weights) lives in non-volatile memory (FRAM or
   * flash), activations in SRAM. The part's totals; firmware takes its share of both, which a
   * search can subtract (its config's memory budgets).
   */
  memory: { nonVolatileBytes: number; sramBytes: number };
  /** Where the per-MAC cycle figures come from, per number type. */
  recipes: Record<Dtype, MacRecipe>;
  /** Cycles per multiply-accumulate, by kernel format and number type (macCycles of `recipes`). */
  cycles: {
    denseMacF32: number;
    sparseMacF32: number;
    denseMacI8: number;
    sparseMacI8: number;
    /** Per weight of a stored 1x4 block (the block's index cost spread over its four weights). */
    blockMacF32: number;
    blockMacI8: number;
    /** Loop set-up, bias load, result store per output row. */
    perRow: number;
    /** ReLU / max-pool compare / copy per activation. */
    perActivation: number;
    /** Fixed per-inference overhead (call, input scaling per byte counted separately). */
    perInference: number;
    perInputByte: number;
    /** int8 path: ReLU / max-pool compare per int8 activation (no float compare). */
    perActivationI8: number;
    /** int8 path: an input byte to int8 (load, shift right by one, store) instead of a float scale. */
    perInputByteI8: number;
    /** A ReLU fused into the preceding layer's output store: per output, on the value still in a register. */
    fusedRelu: number;
    /** int8 path: a fused ReLU only raises the output clamp's lower bound from -128 to 0. */
    fusedReluI8: number;
  };
}
