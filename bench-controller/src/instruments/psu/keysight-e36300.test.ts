import { describe, expect, it } from 'vitest';
import { describePowerSupplyContract, simulatedPsu } from './power-supply.contract.js';
import { KeysightE36300 } from './keysight-e36300.js';
import { SafePowerSupply } from './safe-power-supply.js';

describePowerSupplyContract('KeysightE36300 over TCP to SimPsu (E36312A dialect)', () => simulatedPsu('keysight-e36312a'));

/** Timers the test fires by hand, so a list steps without waiting. */
function manualTimer() {
  const pending: Array<{ fn: () => void; ms: number }> = [];
  return {
    pending,
    timer: { setTimeout: (fn: () => void, ms: number) => { pending.push({ fn, ms }); return pending.length; }, clearTimeout: () => { pending.length = 0; } },
    fire(): number { const t = pending.shift()!; t.fn(); return t.ms; },
  };
}

describe('KeysightE36300 on the simulator', () => {
  it('identifies each model with its own ratings and refuses values beyond them', async () => {
    for (const [dialect, ch1A] of [['keysight-e36311a', 5], ['keysight-e36313a', 10]] as const) {
      const h = await simulatedPsu(dialect);
      try {
        expect(h.psu).toBeInstanceOf(KeysightE36300);
        expect(h.psu.channels).toBe(3);
        await expect(h.psu.setVoltage(1, 6.5)).rejects.toMatchObject({ code: 'SCPI_BAD_ARGUMENT' });
        await expect(h.psu.setCurrentLimit(1, ch1A + 0.1)).rejects.toMatchObject({ code: 'SCPI_BAD_ARGUMENT' });
        await h.psu.setVoltage(2, 24);
        expect(h.sim.channel(2).setpoint().voltageV).toBe(24);
      } finally {
        await h.dispose();
      }
    }
  });

  it('arms OVP through SafePowerSupply and never sends a setpoint beyond the configured limit', async () => {
    const h = await simulatedPsu('keysight-e36312a');
    const safe = new SafePowerSupply(h.psu, { 1: { maxVoltageV: 3.6, maxCurrentA: 0.2 } });
    try {
      await expect(safe.setVoltage(1, 5)).rejects.toMatchObject({ code: 'PSU_LIMIT' });
      await safe.setVoltage(1, 3.3);
      await safe.setCurrentLimit(1, 0.1);
      await safe.setOutput(1, true);
      expect(h.sim.channel(1).protection).toMatchObject({ ovpV: 3.6, ovpOn: true });
      expect(h.sim.channel(1).setpoint()).toEqual({ voltageV: 3.3, currentLimitA: 0.1, outputOn: true });
      await expect(safe.uploadList!(1, [{ voltageV: 3.3, currentA: 0.3, dwellS: 0.01 }])).rejects.toMatchObject({ code: 'PSU_LIMIT' });
    } finally {
      await safe.close();
      await h.dispose();
    }
  });

  it('uploads a list that the instrument steps by itself after *TRG', async () => {
    const mt = manualTimer();
    const h = await simulatedPsu('keysight-e36312a', { listTimer: mt.timer });
    try {
      await h.psu.setVoltage(1, 3.3);
      await h.psu.setCurrentLimit(1, 0.05);
      await h.psu.setOutput(1, true);
      await h.psu.uploadList!(1, [
        { voltageV: 3.3, currentA: 0.01, dwellS: 0.5 },
        { voltageV: 3.3, currentA: 0.02, dwellS: 0.25 },
        { voltageV: 3.0, currentA: 0.005, dwellS: 1 },
      ]);
      expect(h.sim.channel(1).setpoint().currentLimitA).toBe(0.05); // armed, not yet triggered
      await h.psu.startList!(1);
      expect(h.sim.channel(1).setpoint().currentLimitA).toBe(0.01);
      expect(mt.fire()).toBe(500);
      expect(h.sim.channel(1).setpoint().currentLimitA).toBe(0.02);
      expect(mt.fire()).toBe(250);
      expect(h.sim.channel(1).setpoint()).toMatchObject({ voltageV: 3, currentLimitA: 0.005 });
      expect(mt.pending).toHaveLength(0); // one pass, then it holds the last point
      await h.psu.stopList!(1);
      await expect(h.psu.uploadList!(1, [{ voltageV: 1, currentA: 0.01, dwellS: 0.0005 }])).rejects.toMatchObject({ code: 'PSU_LIST_INVALID' });
    } finally {
      await h.dispose();
    }
  });
});
