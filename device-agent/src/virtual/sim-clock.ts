/** Simulated time of one virtual board, in microseconds; it moves only when the board works or sleeps. */
export class SimClock {
  private us = 0;
  nowUs(): number {
    return this.us;
  }
  advanceUs(dt: number): void {
    if (!(dt >= 0)) throw new RangeError(`SimClock cannot go back or by NaN (${dt})`);
    this.us += dt;
  }
}
