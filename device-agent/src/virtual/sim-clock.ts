import { EveError } from '../errors/eve-error.js';

/** Simulated time of one virtual board, in microseconds; it moves only when the board works or sleeps. */
export class SimClock {
  private us = 0;
  nowUs(): number {
    return this.us;
  }
  advanceUs(dt: number): void {
    if (!(dt >= 0) || dt === Infinity) throw new EveError('CLOCK_ARG', `SimClock cannot go back, to infinity or by NaN (${dt})`);
    this.us += dt;
  }
}
