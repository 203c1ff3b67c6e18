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

  it('refuses unknown instruments with PSU_UNSUPPORTED', async () => {
    for (const idn of ['Keysight Technologies,E36313A,MY1,2.1', 'RIGOL TECHNOLOGIES,DP821A,DP8B1,00.01.16']) {
      const s = await answering(idn);
      await expect(openPowerSupply(s)).rejects.toMatchObject({ code: 'PSU_UNSUPPORTED' });
      await s.close();
    }
  });
});
