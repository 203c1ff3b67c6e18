import { describe, expect, it } from 'vitest';
import type { InferResult } from '@eve-bench/device-agent';
import type { BoardClient } from '../boards/board-client.js';
import { measureWindow } from './energy-window.js';
import type { Reading, ReadbackStream } from './readback-stream.js';

/**
 * A board whose inference draws `activeA` for `latencyUs` and which sleeps at `sleepA`, and a
 * supply that reads the draw about every `intervalUs` of device time with a fixed current offset and a
 * deterministic ±1-count dither. Figures are computed, not stored: the test checks that the window
 * arithmetic recovers the active energy and that the offset cancels.
 */
function rig(o: { latencyUs: number; activeA: number; sleepA: number; offsetA: number; intervalUs: number; volts?: number }) {
  const V = o.volts ?? 3.3;
  let now = 0;
  let nextReading = o.intervalUs / 2;
  let pending: Reading[] = [];
  let k = 0;
  const run = (us: number, amps: number) => {
    const end = now + us;
    while (nextReading < end) {
      const dither = [0, 0.001, -0.001, 0][k++ % 4]!;
      pending.push({ voltageV: V, currentA: amps + o.offsetA + dither });
      nextReading += o.intervalUs * (0.5 + ((k * 0.618034) % 1)); // jitter, as polling has: no aliasing with the windows
    }
    now = end;
  };
  const board = {
    waitCharged: async () => ({ nowUs: now }),
    idle: async (us: number) => { run(us, o.sleepA); return { nowUs: now }; },
    infer: async (): Promise<InferResult> => {
      const startUs = now;
      run(o.latencyUs, o.activeA);
      return { predicted: 1, mode: 0, startUs, endUs: now, cycles: 0, output: new Float32Array(1) };
    },
  } as unknown as BoardClient;
  const readbacks: ReadbackStream = {
    gainAccuracy: 0.002,
    start: async () => { pending = []; },
    stop: async () => { const r = pending; pending = []; return r; },
  };
  return { board, readbacks, trueUj: V * (o.activeA - o.sleepA) * o.latencyUs };
}

const inputs = Array.from({ length: 10 }, () => new Uint8Array(4));

describe('measureWindow', () => {
  it('recovers energy per inference from readbacks, the supply offset cancelling against the idle window', async () => {
    const r = rig({ latencyUs: 80_000, activeA: 0.008, sleepA: 0.00001, offsetA: 0.004, intervalUs: 50_000 });
    const m = await measureWindow({ board: r.board, readbacks: r.readbacks }, inputs, { relative: 0.01, minWindows: 3, maxWindows: 500 });
    expect(m.converged).toBe(true);
    expect(Math.abs(m.energyUj / r.trueUj - 1)).toBeLessThan(0.01);
    expect(m.latencyUs).toBe(80_000);
    expect(m.energyUncertaintyUj).toBeLessThanOrEqual(0.01 * m.energyUj);
    expect(m.energyUncertaintyUj).toBeGreaterThanOrEqual(0.002 * m.energyUj); // never below the gain accuracy
    expect(m.predictions).toEqual(Array(10).fill(1));
  });

  it('reports not converged, with its uncertainty, when the window cap comes first', async () => {
    const r = rig({ latencyUs: 80_000, activeA: 0.008, sleepA: 0, offsetA: 0, intervalUs: 50_000 });
    const m = await measureWindow({ board: r.board, readbacks: r.readbacks }, inputs, { relative: 0.001, minWindows: 1, maxWindows: 2 });
    expect(m.converged).toBe(false);
    expect(m.windows).toBe(2);
    expect(m.inferences).toBe(20);
  });

  it('keeps going past the cap until a standard error exists, then fails with a typed error if it never does', async () => {
    const short = rig({ latencyUs: 100, activeA: 0.008, sleepA: 0, offsetA: 0, intervalUs: 50_000 });
    const m = await measureWindow({ board: short.board, readbacks: short.readbacks }, inputs, { relative: 0.5, minWindows: 1, maxWindows: 1 });
    expect(m.windows).toBeGreaterThan(1);
    expect(Number.isFinite(m.energyUncertaintyUj)).toBe(true);
    const none: ReadbackStream = { gainAccuracy: 0, start: async () => undefined, stop: async () => [] };
    await expect(measureWindow({ board: short.board, readbacks: none }, inputs, { relative: 0.5, minWindows: 1, maxWindows: 1 }))
      .rejects.toMatchObject({ code: 'MEASURE_NO_READINGS' });
  });

  it('refuses an empty window and a nonsensical precision request', async () => {
    const r = rig({ latencyUs: 1000, activeA: 0.008, sleepA: 0, offsetA: 0, intervalUs: 50_000 });
    await expect(measureWindow({ board: r.board, readbacks: r.readbacks }, [])).rejects.toMatchObject({ code: 'MEASURE_EMPTY' });
    await expect(measureWindow({ board: r.board, readbacks: r.readbacks }, inputs, { relative: 0, minWindows: 1, maxWindows: 1 }))
      .rejects.toMatchObject({ code: 'MEASURE_PRECISION' });
  });
});
