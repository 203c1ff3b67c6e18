/**
 * Steps a simulated channel through a list of setpoints the way an instrument's list / timer
 * function does once triggered: each point's voltage and current limit hold for its dwell, the
 * list repeats `count` times, and the channel stays at the last point when it ends. Timers are
 * injected so tests step the list without waiting. Shared by every dialect with a list mode.
 */
import type { SimPsuChannel } from './sim-psu.js';

export interface SimListPoint {
  voltageV: number;
  currentA: number;
  dwellS: number;
}

export interface ListTimer {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemListTimer: ListTimer = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class SimListRunner {
  private readonly active = new Map<number, { handle: unknown; index: number }>();

  constructor(private readonly timer: ListTimer = systemListTimer) {}

  /** Applies the first point now and schedules the rest; `count` 0 means forever. */
  start(ch: SimPsuChannel, points: readonly SimListPoint[], count: number): void {
    this.stop(ch.number);
    if (points.length === 0) return;
    const total = count === 0 ? Infinity : points.length * count;
    const step = (k: number) => {
      const p = points[k % points.length]!;
      ch.setVoltage(p.voltageV);
      ch.setCurrentLimit(p.currentA);
      if (k + 1 >= total) {
        this.active.delete(ch.number);
        return;
      }
      const handle = this.timer.setTimeout(() => step(k + 1), p.dwellS * 1000);
      this.active.set(ch.number, { handle, index: k % points.length });
    };
    step(0);
  }

  stop(channel: number): void {
    const a = this.active.get(channel);
    if (a) this.timer.clearTimeout(a.handle);
    this.active.delete(channel);
  }

  /** Index of the point the channel is at, or undefined when no list is running. */
  pointIndex(channel: number): number | undefined {
    return this.active.get(channel)?.index;
  }

  stopAll(): void {
    for (const ch of [...this.active.keys()]) this.stop(ch);
  }
}
