/**
 * A load of virtual boards for the telemetry path: each board emits telemetry samples at a steady
 * rate into any TelemetrySink. Used by `eve telemetry simulate`, the bridge's resilience tests and
 * the telemetry benchmark. The values are plausible, not physical (the virtual lab models physics).
 */
import type { TelemetrySink } from './sink.js';

export interface SimulatedBoardsOptions {
  boards: number;
  /** Messages in total, spread over the boards round-robin. */
  count: number;
  /** Messages per second over all boards. */
  rate: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export async function runSimulatedBoards(sink: TelemetrySink, o: SimulatedBoardsOptions): Promise<void> {
  const random = o.random ?? Math.random;
  const now = o.now ?? (() => performance.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  for (let i = 0; i < o.count; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - now();
    if (wait > 1) await sleep(wait);
    await sink.publish('telemetry', `vb${i % o.boards}`, {
      deviceTimeUs: i * 1000,
      capacitorV: 2.8 + 0.5 * random(),
      harvestW: 0.002 * random(),
      supplyV: 3.3,
      supplyA: 0.004 + 0.002 * random(),
      mode: i % 3,
      brownOuts: 0,
    });
  }
}
