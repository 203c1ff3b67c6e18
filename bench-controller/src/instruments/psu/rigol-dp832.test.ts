import { describe, expect, it } from 'vitest';
import { isEveError } from '@eve-bench/device-agent';
import { TcpTransport } from '../../transport/tcp-transport.js';
import { parseTransportUrl } from '../../transport/transport-url.js';
import { ScpiSession } from '../../scpi/scpi-session.js';
import { SimPsu } from '../../lab/sim-psu.js';
import { serveScpi } from '../../lab/scpi-server.js';
import { openPowerSupply } from './open-power-supply.js';
import { RigolDp832 } from './rigol-dp832.js';
import { SafePowerSupply } from './safe-power-supply.js';
import { describePowerSupplyContract, simulatedPsu, type ContractHarness } from './power-supply.contract.js';

async function simulated(): Promise<ContractHarness & { sim: SimPsu }> {
  const sim = new SimPsu();
  const server = await serveScpi(sim, { host: '127.0.0.1', port: 0 });
  const transport = new TcpTransport('127.0.0.1', server.port, { connectTimeoutMs: 2000 });
  await transport.open();
  const psu = await openPowerSupply(new ScpiSession(transport, { timeoutMs: 2000 }));
  return { psu, sim, dispose: async () => { await psu.close(); await server.close(); } };
}

describePowerSupplyContract('RigolDp832 over TCP to SimPsu', simulated);

const hw = process.env.EVE_HW_PSU;
if (hw) {
  describePowerSupplyContract(`hardware at ${hw}`, async () => {
    const d = parseTransportUrl(hw);
    if (d.kind !== 'tcp') throw new Error(`EVE_HW_PSU: only tcp:// is supported so far, got ${hw}`);
    const transport = new TcpTransport(d.host, d.port, { connectTimeoutMs: 5000 });
    await transport.open();
    const psu = await openPowerSupply(new ScpiSession(transport, { timeoutMs: 3000 }));
    return { psu, dispose: () => psu.close() };
  });
} else {
  describe.skip('PowerSupply contract on hardware: SKIPPED (set EVE_HW_PSU=tcp://host:5555 to run it)', () => {
    it('needs EVE_HW_PSU', () => undefined);
  });
}

describe('RigolDp832 on the simulator', () => {
  it('is picked for a DP832 and offers the simulator reading log', async () => {
    const h = await simulated();
    try {
      expect(h.psu).toBeInstanceOf(RigolDp832);
      expect(h.psu.identity).toEqual({ vendor: 'RIGOL TECHNOLOGIES', model: 'DP832', serial: 'DP8SIM0001', firmware: '00.01.16' });
      expect(h.psu.collectSimReadings).toBeTypeOf('function');
    } finally {
      await h.dispose();
    }
  });

  it('programs the simulated channel and reads back what it delivers, never the exact energy', async () => {
    const h = await simulated();
    try {
      await h.psu.setVoltage(2, 3.3);
      await h.psu.setCurrentLimit(2, 0.05);
      await h.psu.setOutput(2, true);
      expect(h.sim.channel(2).setpoint()).toEqual({ voltageV: 3.3, currentLimitA: 0.05, outputOn: true });
      h.sim.channel(2).delivered({ durationS: 2, currentA: 0.0123, voltageV: 3.3, energyJ: 3.3 * 0.0123 * 2 });
      const i = await h.psu.measureCurrent(2);
      expect(Math.abs(i - 0.0123)).toBeLessThan(0.005 + 0.004); // offset bound + 4 sigma of noise
      expect(Math.round(i * 1000) / 1000).toBeCloseTo(i, 9); // 1 mA steps
      const log = await h.psu.collectSimReadings!(2);
      expect(log.length).toBeGreaterThan(20); // 2 s at ~20/s
      expect(log.length).toBeLessThan(60);
      expect(await h.psu.collectSimReadings!(2)).toEqual([]);
    } finally {
      await h.dispose();
    }
  });

  it('behind SafePowerSupply, arms OVP/OCP on the simulator, which then trips on an overload', async () => {
    const h = await simulated();
    const safe = new SafePowerSupply(h.psu, { 1: { maxVoltageV: 3.6, maxCurrentA: 0.2 } });
    try {
      await safe.setVoltage(1, 3.3);
      await safe.setCurrentLimit(1, 0.1);
      await safe.setOutput(1, true);
      expect(h.sim.channel(1).protection).toMatchObject({ ovpV: 3.6, ovpOn: true, ocpA: 0.2, ocpOn: true });
      h.sim.channel(1).delivered({ durationS: 0.01, currentA: 0.25, voltageV: 3.3, energyJ: 0.00825 });
      expect(h.sim.channel(1).setpoint().outputOn).toBe(false);
      await safe.shutdown();
    } finally {
      await h.dispose();
    }
  });

  it('refuses a setpoint beyond the channel range before sending it', async () => {
    const h = await simulated();
    try {
      await h.psu.setVoltage(3, 5.3);
      await expect(h.psu.setVoltage(3, 5.4)).rejects.toSatisfy((e: unknown) => isEveError(e, 'SCPI_BAD_ARGUMENT'));
      expect(h.sim.channel(3).setpoint().voltageV).toBe(5.3);
    } finally {
      await h.dispose();
    }
  });

  it('uploads timer groups on the selected channel only and runs them with :TIME ON', async () => {
    const fired: Array<{ fn: () => void; ms: number }> = [];
    const h = await simulatedPsu('rigol-dp832', { listTimer: { setTimeout: (fn, ms) => fired.push({ fn, ms }), clearTimeout: () => undefined } });
    try {
      await h.psu.uploadList!(2, [{ voltageV: 3.3, currentA: 0.01, dwellS: 2 }, { voltageV: 3.0, currentA: 0.02, dwellS: 1 }]);
      await h.psu.startList!(2);
      expect(h.sim.channel(2).setpoint()).toMatchObject({ voltageV: 3.3, currentLimitA: 0.01 });
      expect(h.sim.channel(1).setpoint().currentLimitA).toBe(3); // untouched
      expect(fired[0]!.ms).toBe(2000);
      fired.shift()!.fn();
      expect(h.sim.channel(2).setpoint()).toMatchObject({ voltageV: 3, currentLimitA: 0.02 });
      await h.psu.stopList!(2);
      await expect(h.psu.uploadList!(2, [{ voltageV: 3.3, currentA: 0.01, dwellS: 0.5 }])).rejects.toMatchObject({ code: 'PSU_LIST_INVALID' });
    } finally {
      await h.dispose();
    }
  });
});
