/**
 * The PowerSupply contract: one suite run against every implementation (simulator over TCP
 * today; a real supply when EVE_HW_PSU is configured). Only behaviour every supply must show;
 * channel 1 at low, harmless settings (1.8-3.3 V, 0.1 A, no load expected).
 * Imported by *.test.ts files only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PowerSupply } from './power-supply.js';
import { SimPsu } from '../../lab/sim-psu.js';
import { serveScpi } from '../../lab/scpi-server.js';
import type { DialectName } from '../../lab/scpi-server-dialect.js';
import type { ListTimer } from '../../lab/scpi-server-list.js';
import { TcpTransport } from '../../transport/tcp-transport.js';
import { ScpiSession } from '../../scpi/scpi-session.js';
import { openPowerSupply, type OpenPowerSupplyOptions } from './open-power-supply.js';

export interface ContractHarness {
  psu: PowerSupply;
  dispose(): Promise<void>;
}

export function describePowerSupplyContract(name: string, makeImpl: () => Promise<ContractHarness>): void {
  describe(`PowerSupply contract: ${name}`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await makeImpl();
    });
    afterEach(async () => {
      await h.psu.setOutput(1, false);
      await h.dispose();
    });

    it('identifies itself and has at least one channel', () => {
      expect(h.psu.identity.vendor).not.toBe('');
      expect(h.psu.identity.model).not.toBe('');
      expect(h.psu.channels).toBeGreaterThanOrEqual(1);
    });

    it('reads about 0 V with the output off and the setpoint with it on (no load)', async () => {
      await h.psu.setVoltage(1, 3.3);
      await h.psu.setCurrentLimit(1, 0.1);
      await h.psu.setOutput(1, false);
      expect(await h.psu.measureVoltage(1)).toBeLessThan(0.05);
      await h.psu.setOutput(1, true);
      expect(await h.psu.measureVoltage(1)).toBeCloseTo(3.3, 1);
      expect(await h.psu.measureCurrent(1)).toBeGreaterThanOrEqual(0);
      expect(await h.psu.measurePower(1)).toBeGreaterThanOrEqual(0);
    });

    it('follows a new voltage setpoint', async () => {
      await h.psu.setCurrentLimit(1, 0.1);
      await h.psu.setVoltage(1, 1.8);
      await h.psu.setOutput(1, true);
      expect(await h.psu.measureVoltage(1)).toBeCloseTo(1.8, 1);
    });

    it('refuses a channel that does not exist, with a typed error', async () => {
      await expect(h.psu.setVoltage(h.psu.channels + 1, 1)).rejects.toMatchObject({ code: expect.any(String) });
      await expect(h.psu.measureVoltage(0)).rejects.toMatchObject({ code: expect.any(String) });
    });

    it('refuses NaN and negative setpoints before they reach the instrument', async () => {
      await expect(h.psu.setVoltage(1, Number.NaN)).rejects.toMatchObject({ code: expect.any(String) });
      await expect(h.psu.setCurrentLimit(1, -1)).rejects.toMatchObject({ code: expect.any(String) });
    });

  });
}

/** A SimPsu speaking `dialect` over loopback TCP, opened through the production path. */
export async function simulatedPsu(
  dialect: DialectName,
  options: OpenPowerSupplyOptions & { listTimer?: ListTimer } = {},
): Promise<ContractHarness & { sim: SimPsu }> {
  const sim = new SimPsu();
  const server = await serveScpi(sim, { host: '127.0.0.1', port: 0, dialect, listTimer: options.listTimer });
  const transport = new TcpTransport('127.0.0.1', server.port, { connectTimeoutMs: 2000 });
  await transport.open();
  const psu = await openPowerSupply(new ScpiSession(transport, { timeoutMs: 2000 }), undefined, options);
  return { psu, sim, dispose: async () => { await psu.close(); await server.close(); } };
}
