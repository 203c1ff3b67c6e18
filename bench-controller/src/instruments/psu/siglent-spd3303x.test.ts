import { describe, expect, it } from 'vitest';
import { describePowerSupplyContract, simulatedPsu } from './power-supply.contract.js';
import { SiglentSpd3303x } from './siglent-spd3303x.js';
import { SafePowerSupply } from './safe-power-supply.js';
import { createMemoryPair } from '../../transport/memory-transport.js';
import { ScpiSession } from '../../scpi/scpi-session.js';

describePowerSupplyContract('SiglentSpd3303x over TCP to SimPsu (SPD3303X dialect)', () => simulatedPsu('siglent-spd3303x'));

describe('SiglentSpd3303x on the simulator', () => {
  it('reads its five-field *IDN?, drives CH1/CH2 only, and verifies setpoints by reading them back', async () => {
    const h = await simulatedPsu('siglent-spd3303x');
    try {
      expect(h.psu).toBeInstanceOf(SiglentSpd3303x);
      expect(h.psu.identity).toMatchObject({ vendor: 'Siglent Technologies', model: 'SPD3303X', firmware: '1.01.01.02.05,V3.0' });
      await expect(h.psu.setVoltage(3, 1)).rejects.toMatchObject({ code: 'PSU_BAD_CHANNEL' });
      await h.psu.setVoltage(2, 5);
      await h.psu.setCurrentLimit(2, 0.5);
      expect(h.sim.channel(2).setpoint()).toMatchObject({ voltageV: 5, currentLimitA: 0.5 });
      await expect(h.psu.setVoltage(1, 32.5)).rejects.toMatchObject({ code: 'SCPI_BAD_ARGUMENT' });
    } finally {
      await h.dispose();
    }
  });

  it('reports a setpoint the instrument silently ignored (it has no SYST:ERR?) as PSU_SETPOINT_REJECTED', async () => {
    const [host, inst] = createMemoryPair();
    await host.open();
    await inst.open();
    const sent: string[] = [];
    void (async () => {
      for await (const chunk of inst.read()) {
        for (const line of new TextDecoder().decode(chunk).split('\n').filter(Boolean)) {
          sent.push(line);
          if (line.endsWith('?')) await inst.write(new TextEncoder().encode('1.000\n')); // stuck at 1 V
        }
      }
    })();
    const psu = new SiglentSpd3303x(new ScpiSession(host, { timeoutMs: 1000 }), { vendor: 'Siglent Technologies', model: 'SPD3303X', serial: 'S', firmware: '1' });
    await expect(psu.setVoltage(1, 3.3)).rejects.toMatchObject({ code: 'PSU_SETPOINT_REJECTED' });
    expect(sent).toEqual(['CH1:VOLT 3.300', 'CH1:VOLT?']);
    await psu.close();
  });

  it('holds SafePowerSupply limits for sets and for every timer group before upload', async () => {
    const h = await simulatedPsu('siglent-spd3303x');
    const safe = new SafePowerSupply(h.psu, { 1: { maxVoltageV: 3.6, maxCurrentA: 0.2 } });
    try {
      await expect(safe.setVoltage(1, 3.7)).rejects.toMatchObject({ code: 'PSU_LIMIT' });
      await expect(safe.uploadList!(1, [
        { voltageV: 3.3, currentA: 0.1, dwellS: 1 },
        { voltageV: 3.9, currentA: 0.1, dwellS: 1 },
      ])).rejects.toMatchObject({ code: 'PSU_LIMIT', message: expect.stringContaining('point 1') });
      expect(h.sim.channel(1).setpoint().voltageV).toBe(0); // nothing reached the instrument
    } finally {
      await safe.close();
      await h.dispose();
    }
  });

  it('uploads timer groups and runs them with TIMEr CH1,ON', async () => {
    const fired: Array<() => void> = [];
    const h = await simulatedPsu('siglent-spd3303x', { listTimer: { setTimeout: (fn) => fired.push(fn), clearTimeout: () => undefined } });
    try {
      await h.psu.uploadList!(1, [{ voltageV: 3.3, currentA: 0.01, dwellS: 2 }, { voltageV: 3.3, currentA: 0.03, dwellS: 1 }]);
      await h.psu.startList!(1);
      await h.psu.measureVoltage(1); // TIMEr has no reply: a query makes sure the simulator ran it
      expect(h.sim.channel(1).setpoint().currentLimitA).toBe(0.01);
      fired.shift()!();
      expect(h.sim.channel(1).setpoint().currentLimitA).toBe(0.03);
      await expect(h.psu.uploadList!(1, [{ voltageV: 3.3, currentA: 0.01, dwellS: 0.5 }])).rejects.toMatchObject({ code: 'PSU_LIST_INVALID' });
    } finally {
      await h.dispose();
    }
  });
});
