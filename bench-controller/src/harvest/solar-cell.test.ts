import { describe, expect, it } from 'vitest';
import { solarCurrentA, solarMaxPower } from './solar-cell.js';
import { solarSource } from './harvest-source.js';

describe('solar cell model', () => {
  it('passes through (0, Isc) and (Voc, 0) and falls monotonically between', () => {
    expect(solarCurrentA(0.05, 5, 0)).toBe(0.05);
    expect(solarCurrentA(0.05, 5, 5)).toBe(0);
    expect(solarCurrentA(0.05, 5, 6)).toBe(0);
    let prev = Infinity;
    for (let v = 0; v <= 5; v += 0.25) {
      const i = solarCurrentA(0.05, 5, v);
      expect(i).toBeLessThanOrEqual(prev);
      prev = i;
    }
    expect(() => solarCurrentA(0.05, 5, 1, { vtOverVoc: 0 })).toThrow(expect.objectContaining({ code: 'SOLAR_BAD_MODEL' }));
  });

  it('has a fill factor near 0.8 with the default model, about 0.7 with a softer knee', () => {
    const ff = (vt: number) => solarMaxPower(0.05, 5, { vtOverVoc: vt }).powerW / (0.05 * 5);
    expect(ff(0.05)).toBeGreaterThan(0.78);
    expect(ff(0.05)).toBeLessThan(0.84);
    expect(ff(0.1)).toBeGreaterThan(0.65);
    expect(ff(0.1)).toBeLessThan(0.75);
  });

  it('as a replay source: the rail voltage capped at Voc, the cell current there, a floor in the dark', () => {
    const src = solarSource(
      { name: 's', stepS: 1, iscA: Float64Array.of(0.05, 0.05, 0), vocV: Float64Array.of(5, 3, 0), provenance: 'test' },
      { voltageV: 3.3, minCurrentA: 0.001 },
    );
    const bright = src.step(0);
    expect(bright.voltageV).toBe(3.3);
    expect(bright.currentA).toBeCloseTo(solarCurrentA(0.05, 5, 3.3), 12);
    expect(bright.currentA).toBeGreaterThan(0.049);
    expect(src.step(1)).toMatchObject({ voltageV: 3, currentA: 0.001, powerW: 0 });
    expect(src.step(2)).toMatchObject({ voltageV: 0, currentA: 0.001, powerW: 0 });
  });
});
