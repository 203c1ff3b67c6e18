import { describe, expect, it } from 'vitest';
import type { PowerSupply } from '../instruments/psu/power-supply.js';
import { PollingReadbacks, SimLogReadbacks, readbacksFor } from './readback-stream.js';

/** A supply whose every query takes one macrotask, like a SCPI round trip, and counts up. */
function countingSupply(): PowerSupply {
  let n = 0;
  const tick = () => new Promise<void>((r) => setImmediate(r));
  return {
    measureVoltage: async () => { await tick(); return 3.3; },
    measureCurrent: async () => { await tick(); return ++n / 1000; },
  } as unknown as PowerSupply;
}

describe('readback streams', () => {
  it('polls a real supply back to back between start and stop, in order', async () => {
    const s = new PollingReadbacks(countingSupply(), 1, 0.002);
    await s.start();
    await new Promise((r) => setTimeout(r, 20));
    const rs = await s.stop();
    expect(rs.length).toBeGreaterThan(2);
    expect(rs.map((r) => r.currentA)).toEqual(rs.map((_, i) => (i + 1) / 1000));
    await expect(s.stop()).rejects.toMatchObject({ code: 'MEASURE_STATE' });
  });

  it('reports a failed poll at stop', async () => {
    const psu = { measureVoltage: async () => { throw new Error('link down'); }, measureCurrent: async () => 0 } as unknown as PowerSupply;
    const s = new PollingReadbacks(psu, 1, 0);
    await s.start();
    await expect(s.stop()).rejects.toThrow('link down');
  });

  it('uses the simulator log where the supply has one, discarding readings from before the window', async () => {
    const log = [[{ voltageV: 1, currentA: 1 }], [{ voltageV: 2, currentA: 2 }]];
    const psu = { collectSimReadings: async () => log.shift() ?? [] } as unknown as PowerSupply;
    const s = readbacksFor(psu, 2);
    expect(s).toBeInstanceOf(SimLogReadbacks);
    await s.start();
    expect(await s.stop()).toEqual([{ voltageV: 2, currentA: 2 }]);
    expect(readbacksFor(countingSupply(), 1)).toBeInstanceOf(PollingReadbacks);
  });
});
