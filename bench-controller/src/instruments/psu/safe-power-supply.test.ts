import { describe, expect, it } from 'vitest';
import { EveError } from '@eve-bench/device-agent';
import type { PowerSupply } from './power-supply.js';
import { SafePowerSupply } from './safe-power-supply.js';

/** Records every call that reaches the instrument. */
function recorder(failOffOn?: number) {
  const calls: string[] = [];
  const psu: PowerSupply = {
    identity: { vendor: 'TEST', model: 'FAKE3', serial: '1', firmware: '1' },
    channels: 3,
    setVoltage: async (ch, v) => { calls.push(`V${ch}=${v}`); },
    setCurrentLimit: async (ch, a) => { calls.push(`I${ch}=${a}`); },
    setOutput: async (ch, on) => {
      if (!on && ch === failOffOn) throw new EveError('TRANSPORT_IO', 'link down', { retriable: true });
      calls.push(`OUT${ch}=${on ? 'ON' : 'OFF'}`);
    },
    measureVoltage: async () => 0,
    measureCurrent: async () => 0,
    measurePower: async () => 0,
    close: async () => { calls.push('close'); },
  };
  return { psu, calls };
}

const limits = { 1: { maxVoltageV: 3.6, maxCurrentA: 0.2 }, 2: { maxVoltageV: 5, maxCurrentA: 0.5 } };

describe('SafePowerSupply', () => {
  it('passes sets within the limits through unchanged', async () => {
    const r = recorder();
    const safe = new SafePowerSupply(r.psu, limits);
    await safe.setVoltage(1, 3.3);
    await safe.setCurrentLimit(1, 0.2);
    await safe.setOutput(1, true);
    expect(r.calls).toEqual(['V1=3.3', 'I1=0.2', 'OUT1=ON']);
  });

  it('refuses over-limit, negative and NaN sets with PSU_LIMIT and never clamps', async () => {
    const r = recorder();
    const safe = new SafePowerSupply(r.psu, limits);
    for (const bad of [3.61, 12, -0.1, Number.NaN, Infinity]) {
      await expect(safe.setVoltage(1, bad)).rejects.toMatchObject({ code: 'PSU_LIMIT' });
    }
    await expect(safe.setCurrentLimit(2, 0.51)).rejects.toMatchObject({ code: 'PSU_LIMIT' });
    expect(r.calls).toEqual([]);
  });

  it('refuses to drive a channel without limits, and to switch on before both setpoints were programmed', async () => {
    const r = recorder();
    const safe = new SafePowerSupply(r.psu, limits);
    await expect(safe.setVoltage(3, 1)).rejects.toMatchObject({ code: 'PSU_LIMIT' });
    await expect(safe.setOutput(3, true)).rejects.toMatchObject({ code: 'PSU_LIMIT' });
    await safe.setVoltage(2, 1);
    await expect(safe.setOutput(2, true)).rejects.toMatchObject({ code: 'PSU_LIMIT' });
    await safe.setOutput(3, false);
    expect(r.calls).toEqual(['V2=1', 'OUT3=OFF']);
  });

  it('rejects limits for channels the supply does not have', () => {
    expect(() => new SafePowerSupply(recorder().psu, { 4: { maxVoltageV: 1, maxCurrentA: 1 } })).toThrow(expect.objectContaining({ code: 'PSU_LIMIT' }));
  });

  it('shutdown switches every output off, even past a failing channel, and reports the failure', async () => {
    const r = recorder(2);
    const safe = new SafePowerSupply(r.psu, limits);
    await expect(safe.shutdown()).rejects.toMatchObject({ code: 'PSU_SHUTDOWN_FAILED', retriable: true });
    expect(r.calls).toEqual(['OUT1=OFF', 'OUT3=OFF']);
  });

  it('on abort turns every output off and refuses further sets', async () => {
    const r = recorder();
    const ac = new AbortController();
    const safe = new SafePowerSupply(r.psu, limits, { signal: ac.signal });
    await safe.setVoltage(1, 3.3);
    await safe.setCurrentLimit(1, 0.1);
    await safe.setOutput(1, true);
    ac.abort(new Error('operator pressed stop'));
    await safe.whenShutDown();
    expect(r.calls.slice(-3)).toEqual(['OUT1=OFF', 'OUT2=OFF', 'OUT3=OFF']);
    await expect(safe.setVoltage(1, 1)).rejects.toMatchObject({ code: 'PSU_ABORTED' });
  });

  it('arms the instrument OVP/OCP at the channel limits before the first switch-on', async () => {
    const r = recorder();
    r.psu.setProtection = async (ch, l) => { r.calls.push(`PROT${ch}=${l.ovpV}V,${l.ocpA}A`); };
    const safe = new SafePowerSupply(r.psu, limits);
    await safe.setVoltage(1, 3.3);
    await safe.setCurrentLimit(1, 0.1);
    await safe.setOutput(1, true);
    await safe.setOutput(1, false);
    await safe.setOutput(1, true);
    expect(r.calls).toEqual(['V1=3.3', 'I1=0.1', 'PROT1=3.6V,0.2A', 'OUT1=ON', 'OUT1=OFF', 'OUT1=ON']);
  });

  it('close shuts down before closing the instrument', async () => {
    const r = recorder();
    await new SafePowerSupply(r.psu, limits).close();
    expect(r.calls).toEqual(['OUT1=OFF', 'OUT2=OFF', 'OUT3=OFF', 'close']);
  });
});
