import { describe, expect, it } from 'vitest';
import { simulatedPsu } from '../instruments/psu/power-supply.contract.js';
import { SafePowerSupply } from '../instruments/psu/safe-power-supply.js';
import { HarvestReplayer } from './replayer.js';
import { solarSource } from './harvest-source.js';

const trace = (stepS: number, powerW: number[]) => ({ name: 't', stepS, powerW: Float64Array.from(powerW), provenance: 'test' });

/** List timers the test fires by hand: the instrument's own stepping, without waiting. */
function manualTimer() {
  const pending: Array<{ fn: () => void; ms: number }> = [];
  return {
    pending,
    timer: { setTimeout: (fn: () => void, ms: number) => pending.push({ fn, ms }), clearTimeout: () => { pending.length = 0; } },
    fire(): number { const t = pending.shift()!; t.fn(); return t.ms; },
  };
}

describe('HarvestReplayer', () => {
  it('steps point by point when the trace step is finer than the DP832 timer (1 s), one write per step change', async () => {
    const h = await simulatedPsu('rigol-dp832');
    const safe = new SafePowerSupply(h.psu, { 1: { maxVoltageV: 3.6, maxCurrentA: 0.1 } });
    try {
      const r = new HarvestReplayer(safe, 1, trace(0.5, [0.033, 0.066, 0.0033]), { voltageV: 3.3, minCurrentA: 0.001, loop: true });
      expect(r.mode).toBe('points');
      await r.start(1_000_000);
      expect(h.sim.channel(1).setpoint()).toEqual({ voltageV: 3.3, currentLimitA: 0.01, outputOn: true });
      expect(await r.sync(1_600_000)).toBe(0.066);
      expect(h.sim.channel(1).setpoint().currentLimitA).toBe(0.02);
      await r.sync(1_700_000);
      expect(r.stepChanges).toBe(2);
      await r.sync(2_600_000); // 1.6 s loops to 0.1 s: step 0 again
      expect(h.sim.channel(1).setpoint().currentLimitA).toBe(0.01);
    } finally {
      await safe.close();
      await h.dispose();
    }
  });

  it('uploads segments to the E36300 list and lets the instrument step them', async () => {
    const mt = manualTimer();
    const h = await simulatedPsu('keysight-e36312a', { listTimer: mt.timer });
    const safe = new SafePowerSupply(h.psu, { 1: { maxVoltageV: 3.6, maxCurrentA: 0.1 } });
    try {
      // 150 steps of 10 ms: two segments of up to 100 points.
      const powers = Array.from({ length: 150 }, (_, i) => 0.0033 * (1 + (i % 10)));
      const r = new HarvestReplayer(safe, 1, trace(0.01, powers), { voltageV: 3.3, minCurrentA: 0.001, loop: false });
      expect(r.mode).toBe('list');
      await r.start(0);
      await h.psu.measureVoltage(1); // let the simulator finish the trigger
      expect(r.listUploads).toBe(1);
      expect(h.sim.channel(1).setpoint().currentLimitA).toBeCloseTo(0.001, 6);
      for (let i = 1; i <= 5; i++) {
        expect(mt.fire()).toBe(10);
        expect(h.sim.channel(1).setpoint().currentLimitA).toBeCloseTo(0.001 * (1 + i), 6);
      }
      await r.sync(500_000); // inside the first segment: no host traffic
      expect(r.listUploads).toBe(1);
      await r.sync(1_005_000); // step 100: the next segment, first point shortened to what is left
      expect(r.listUploads).toBe(2);
      await h.psu.measureVoltage(1);
      expect(mt.pending[0]!.ms).toBe(5);
      expect(h.sim.channel(1).setpoint().currentLimitA).toBeCloseTo(0.001, 6);
    } finally {
      await safe.close();
      await h.dispose();
    }
  });

  it('falls back to points when the trace step is finer than the instrument can dwell (SPD3303X, 1 s)', async () => {
    const h = await simulatedPsu('siglent-spd3303x');
    const safe = new SafePowerSupply(h.psu, { 1: { maxVoltageV: 3.6, maxCurrentA: 0.1 } });
    try {
      expect(new HarvestReplayer(safe, 1, trace(0.1, [0.01]), { voltageV: 3.3, minCurrentA: 0.001, loop: false }).mode).toBe('points');
      expect(new HarvestReplayer(safe, 1, trace(2, [0.01]), { voltageV: 3.3, minCurrentA: 0.001, loop: false }).mode).toBe('list');
      expect(new HarvestReplayer(safe, 1, trace(2, [0.01]), { voltageV: 3.3, minCurrentA: 0.001, loop: false, listMode: false }).mode).toBe('points');
    } finally {
      await safe.close();
      await h.dispose();
    }
  });

  it('refuses a list point beyond the safety limits before anything is uploaded', async () => {
    const h = await simulatedPsu('keysight-e36312a', { listTimer: manualTimer().timer });
    const safe = new SafePowerSupply(h.psu, { 1: { maxVoltageV: 3.6, maxCurrentA: 0.05 } });
    try {
      // The third step asks for 0.2 W / 3.3 V = 61 mA, above the 50 mA limit.
      const r = new HarvestReplayer(safe, 1, trace(0.01, [0.01, 0.02, 0.2]), { voltageV: 3.3, minCurrentA: 0.001, loop: false });
      await expect(r.start(0)).rejects.toMatchObject({ code: 'PSU_LIMIT', message: expect.stringContaining('list point 2') });
      expect(await h.psu.measureCurrent(1)).toBe(0);
      expect(h.sim.channel(1).setpoint().currentLimitA).toBeLessThanOrEqual(0.05);
    } finally {
      await safe.close();
      await h.dispose();
    }
  });

  it('replays a solar Isc/Voc trace as the cell current at the rail voltage', async () => {
    const h = await simulatedPsu('rigol-dp832');
    const safe = new SafePowerSupply(h.psu, { 2: { maxVoltageV: 5, maxCurrentA: 0.1 } });
    try {
      const src = solarSource({ name: 's', stepS: 1, iscA: Float64Array.of(0.05, 0.02), vocV: Float64Array.of(4.5, 3), provenance: 't' }, { voltageV: 3.3, minCurrentA: 0.001 });
      const r = new HarvestReplayer(safe, 2, src, { voltageV: 3.3, minCurrentA: 0.001, loop: false, listMode: false });
      await r.start(0);
      expect(h.sim.channel(2).setpoint().voltageV).toBe(3.3);
      expect(h.sim.channel(2).setpoint().currentLimitA).toBeCloseTo(0.05, 3);
      await r.sync(1_000_000);
      expect(h.sim.channel(2).setpoint()).toMatchObject({ voltageV: 3, currentLimitA: 0.001 });
    } finally {
      await safe.close();
      await h.dispose();
    }
  });
});
