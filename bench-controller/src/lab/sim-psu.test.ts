import { describe, expect, it } from 'vitest';
import { SimPsu } from './sim-psu.js';
import { DP832A_READBACK, DP832_READBACK, EXACT_READBACK } from './readback-model.js';

const noErrors = { voltageNoiseV: 0, currentNoiseA: 0, voltageGain: 0, voltageOffsetV: 0, currentGain: 0, currentOffsetA: 0 };

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
  });

  it('takes readings at the polling rate, noisy and quantised, reproducibly from the seed', () => {
    const run = (seed: number) => {
      const ch = new SimPsu({ seed }).channel(1);
      ch.setVoltage(3.3);
      ch.setOutput(true);
      for (let i = 0; i < 100; i++) ch.delivered({ durationS: 0.1, currentA: 0.008, voltageV: 3.3, energyJ: 3.3 * 0.008 * 0.1 });
      return ch.collectReadings(1000);
    };
    const rs = run(7);
    // 10 s at a mean interval of 50 ms, with ±50 % jitter
    expect(rs.length).toBeGreaterThan(10 / DP832_READBACK.intervalS * 0.9);
    expect(rs.length).toBeLessThan(10 / DP832_READBACK.intervalS * 1.1);
    for (const r of rs) {
      expect(Math.round(r.currentA / 0.001) * 0.001).toBeCloseTo(r.currentA, 12);
      expect(Math.round(r.voltageV / 0.01) * 0.01).toBeCloseTo(r.voltageV, 12);
    }
    expect(new Set(rs.map((r) => r.currentA)).size).toBeGreaterThan(2); // noise, not a constant
    const meanA = rs.reduce((s, r) => s + r.currentA, 0) / rs.length;
    expect(Math.abs(meanA - 0.008)).toBeLessThan(DP832_READBACK.currentOffsetA + 0.0015 * 0.008 + 0.0005);
    expect(run(7)).toEqual(rs);
    expect(run(8)).not.toEqual(rs);
  });

  it('hands each reading out once, at most max per call', () => {
    const ch = new SimPsu().channel(1);
    ch.setOutput(true);
    ch.delivered({ durationS: 10, currentA: 0.001, voltageV: 1, energyJ: 0.01 });
    const first = ch.collectReadings(50);
    expect(first.length).toBe(50);
    const rest = ch.collectReadings(1000);
    expect(rest.length).toBeGreaterThan(100);
    expect(ch.collectReadings(1000)).toEqual([]);
  });

  it('reads back at the instrument resolution (no noise model), 0 with the output off', () => {
    const psu = new SimPsu({ readback: EXACT_READBACK });
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
    const hi = new SimPsu({ readback: { ...DP832A_READBACK, ...noErrors } }).channel(1);
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
