import { describe, expect, it } from 'vitest';
import { describePowerSupplyContract, simulatedPsu } from './power-supply.contract.js';
import { GenericScpiPsu } from './generic-scpi-psu.js';
import { SafePowerSupply } from './safe-power-supply.js';

const ratings = [{ maxVoltageV: 30, maxCurrentA: 3 }, { maxVoltageV: 30, maxCurrentA: 3 }];

describePowerSupplyContract('GenericScpiPsu over TCP to a SCPI-99 simulator', () => simulatedPsu('generic', { generic: ratings }));

describe('GenericScpiPsu', () => {
  it('selects the channel in the same program message and reports instrument errors', async () => {
    const h = await simulatedPsu('generic', { generic: ratings });
    try {
      expect(h.psu).toBeInstanceOf(GenericScpiPsu);
      await h.psu.setVoltage(2, 2.5);
      expect(h.sim.channel(2).setpoint().voltageV).toBe(2.5);
      expect(h.sim.channel(1).setpoint().voltageV).toBe(0);
      const safe = new SafePowerSupply(h.psu, { 2: { maxVoltageV: 3.6, maxCurrentA: 0.1 } });
      await expect(safe.setCurrentLimit(2, 0.2)).rejects.toMatchObject({ code: 'PSU_LIMIT' });
      expect(safe.listMode).toBeUndefined();
    } finally {
      await h.dispose();
    }
  });
});
