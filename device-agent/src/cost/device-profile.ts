/**
 * A device profile is data: clock, currents, and the cycle cost of the operations our kernels
 * perform. Every constant cites where it comes from; figures marked "approx." are estimates from
 * the cited documents and should be replaced by measurements on a real board.
 */
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
  /** Cycles per multiply-accumulate, by kernel format and number type. */
  cycles: {
    denseMacF32: number;
    sparseMacF32: number;
    /** Loop set-up, bias load, result store per output row. */
    perRow: number;
    /** ReLU / copy per activation. */
    perActivation: number;
    /** Fixed per-inference overhead (call, input scaling per byte counted separately). */
    perInference: number;
    perInputByte: number;
  };
}
