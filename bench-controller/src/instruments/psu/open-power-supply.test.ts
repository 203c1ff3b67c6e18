import { describe, expect, it } from 'vitest';
import { createMemoryPair } from '../../transport/memory-transport.js';
import { ScpiSession } from '../../scpi/scpi-session.js';
import { openPowerSupply } from './open-power-supply.js';
import { RigolDp832 } from './rigol-dp832.js';

async function answering(idn: string): Promise<ScpiSession> {
  const [host, inst] = createMemoryPair();
  await host.open();
  await inst.open();
  void (async () => {
    for await (const _ of inst.read()) await inst.write(new TextEncoder().encode(`${idn}\n`));
  })();
  return new ScpiSession(host, { timeoutMs: 1000 });
}

describe('openPowerSupply', () => {
  it('picks RigolDp832 for a DP832, without the simulator energy extension on a real serial', async () => {
    const psu = await openPowerSupply(await answering('RIGOL TECHNOLOGIES,DP832A,DP8C12345,00.01.16'));
    expect(psu).toBeInstanceOf(RigolDp832);
    expect(psu.collectSimReadings).toBeUndefined();
    await psu.close();
  });

  it('picks the driver by vendor and model, the generic profile only when configured', async () => {
    const cases: Array<[string, string, number]> = [
      ['Keysight Technologies,E36313A,MY1,2.1.0', 'KeysightE36300', 3],
      ['Agilent Technologies,E36312A,MY2,1.0', 'KeysightE36300', 3],
      ['Siglent Technologies,SPD3303X-E,SPD3XIDX1,1.01.01.02.05,V3.0', 'SiglentSpd3303x', 2],
    ];
    for (const [idn, driver, channels] of cases) {
      const psu = await openPowerSupply(await answering(idn));
      expect(psu.constructor.name, idn).toBe(driver);
      expect(psu.channels).toBe(channels);
      await psu.close();
    }
    const generic = await openPowerSupply(await answering('ACME,PS-1,1,1.0'), undefined, { generic: [{ maxVoltageV: 12, maxCurrentA: 1 }] });
    expect(generic.constructor.name).toBe('GenericScpiPsu');
    expect(generic.identity.firmware).toBe('1.0');
    await generic.close();
  });

  it('refuses unknown instruments with PSU_UNSUPPORTED', async () => {
    for (const idn of ['ACME,PS-1,1,1.0', 'Keysight Technologies,E36234A,MY1,2.1', 'RIGOL TECHNOLOGIES,DP821A,DP8B1,00.01.16']) {
      const s = await answering(idn);
      await expect(openPowerSupply(s)).rejects.toMatchObject({ code: 'PSU_UNSUPPORTED' });
      await s.close();
    }
  });
});
