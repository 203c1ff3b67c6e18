/**
 * How a virtual board sees the supply channel it is wired to. The board's storage capacitor
 * and brown-out logic live with the board (virtual/power-node.ts); the supply only knows its
 * setpoints and keeps an exact account of the energy and charge it delivered, which the
 * simulated instrument then reports with its own resolution and noise.
 */
export interface SupplyTerminal {
  /** Programmed output: voltage setpoint (V), current limit (A), output relay state. */
  setpoint(): { voltageV: number; currentLimitA: number; outputOn: boolean };
  /**
   * Called by the power node after each simulated segment: the supply delivered `currentA`
   * at terminal voltage `voltageV` (average over the segment) for `durationS` seconds.
   */
  delivered(segment: { durationS: number; currentA: number; voltageV: number; energyJ: number }): void;
  /** How often the output has been switched off (a power cycle resets the board); optional. */
  outputOffCount?(): number;
}
