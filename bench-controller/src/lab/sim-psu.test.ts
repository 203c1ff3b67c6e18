import { describe, expect, it } from 'vitest';
import { DP832A_READBACK, SimPsu, quantise } from './sim-psu.js';

describe('SimPsu', () => {
  it('integrates delivered energy and charge exactly, per channel', () => {
    const psu = new SimPsu();
    const ch = psu.channel(1);
    ch.setVoltage(3.3);
    ch.setOutput(true);
    let expectedJ = 0;
    for (let i = 0; i < 1000; i++) {
      const currentA = 0.001 + (i % 7) * 1e-4;
      const energyJ = 3.3 * currentA * 0.01;
      expectedJ += energyJ;
      ch.delivered({ durationS: 0.01, currentA, voltageV: 3.3, energyJ });
    }
    expect(psu.truthEnergyJ(1)).toBeCloseTo(expectedJ, 12);
    expect(ch.truthChargeC).toBeCloseTo(expectedJ / 3.3, 12);
    expect(psu.truthEnergyJ(2)).toBe(0);
    expect(ch.measureEnergyJ()).toBe(quantise(expectedJ, 1e-6));
  });

  it('reads back the last segment at the instrument resolution, 0 with the output off', () => {
    const psu = new SimPsu();
    const ch = psu.channel(2);
    ch.setVoltage(3.3);
    expect(ch.measureVoltage()).toBe(0);
    ch.setOutput(true);
    expect(ch.measureVoltage()).toBe(3.3);
    expect(ch.measureCurrent()).toBe(0);
    ch.delivered({ durationS: 1, currentA: 0.01234, voltageV: 3.2871, energyJ: 0.0405 });
    expect(ch.measureVoltage()).toBe(3.29);
    expect(ch.measureCurrent()).toBe(0.012);
    expect(ch.measurePower()).toBe(0.039);
    const hi = new SimPsu({ readback: DP832A_READBACK }).channel(1);
    hi.setOutput(true);
    hi.delivered({ durationS: 1, currentA: 0.01234, voltageV: 3.2871, energyJ: 0.0405 });
    expect(hi.measureVoltage()).toBe(3.287);
  });

  it('refuses setpoints beyond the settable range and keeps the old one', () => {
    const ch3 = new SimPsu().channel(3);
    expect(ch3.setVoltage(5)).toBe(true);
    expect(ch3.setVoltage(5.31)).toBe(false);
    expect(ch3.setVoltage(Number.NaN)).toBe(false);
    expect(ch3.setCurrentLimit(3.3)).toBe(false);
    expect(ch3.setpoint()).toEqual({ voltageV: 5, currentLimitA: 3, outputOn: false });
  });

  it('rejects impossible segments with a typed error', () => {
    const ch = new SimPsu().channel(1);
    expect(() => ch.delivered({ durationS: -1, currentA: 0, voltageV: 0, energyJ: 0 })).toThrow(expect.objectContaining({ code: 'SIM_BAD_SEGMENT' }));
    expect(() => ch.delivered({ durationS: 1, currentA: Number.NaN, voltageV: 0, energyJ: 0 })).toThrow(expect.objectContaining({ code: 'SIM_BAD_SEGMENT' }));
  });

  it('keeps a bounded error queue that ends in -350 when it overflows', () => {
    const psu = new SimPsu();
    for (let i = 0; i < 40; i++) psu.pushError(-113, 'Undefined header');
    const codes: number[] = [];
    for (let e = psu.popError(); e.code !== 0; e = psu.popError()) codes.push(e.code);
    expect(codes.length).toBe(16);
    expect(codes.at(-1)).toBe(-350);
  });
});
