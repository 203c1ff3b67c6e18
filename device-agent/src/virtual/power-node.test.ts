import { describe, expect, it } from 'vitest';
import { PowerNode } from './power-node.js';
import type { SupplyTerminal } from './power.js';

type Segment = Parameters<SupplyTerminal['delivered']>[0];

/** A bench channel that records every segment the node reports. */
function channel(voltageV: number, currentLimitA: number, outputOn = true) {
  const sp = { voltageV, currentLimitA, outputOn };
  const segments: Segment[] = [];
  const terminal: SupplyTerminal = { setpoint: () => sp, delivered: (s) => { segments.push(s); } };
  const energy = () => segments.reduce((a, s) => a + s.energyJ, 0);
  return { sp, segments, terminal, energy };
}

const C = 100e-6;
const opts = { capacitanceF: C, turnOnV: 2.8, brownOutV: 1.8 };
const capJ = (v: number) => 0.5 * C * v * v;

describe('PowerNode', () => {
  it('charges an empty capacitor at the current limit, then holds the setpoint (CV)', () => {
    const ch = channel(3.3, 0.01);
    const node = new PowerNode(opts, ch.terminal);
    const r = node.waitUntil(3.3, 0, 1);
    expect(r.reached).toBe(true);
    expect(r.elapsedS).toBeCloseTo((C * 3.3) / 0.01, 12); // t = C V / I
    expect(node.voltageV).toBe(3.3);
    // the supply's account: ∫V·I dt of a linear ramp = ½CV²
    expect(ch.energy()).toBeCloseTo(capJ(3.3), 15);
    ch.segments.length = 0;
    expect(node.run(0.5, 0.004)).toMatchObject({ completed: true, elapsedS: 0.5 });
    expect(ch.segments).toEqual([{ durationS: 0.5, currentA: 0.004, voltageV: 3.3, energyJ: 0.004 * 3.3 * 0.5 }]);
  });

  it('an overload pulls the rail down from the setpoint while the supply gives its limit', () => {
    const ch = channel(3.3, 0.004);
    const node = new PowerNode(opts, ch.terminal);
    node.waitUntil(3.3, 0, 1);
    ch.segments.length = 0;
    const r = node.run(0.01, 0.008); // dV/dt = (4 mA - 8 mA) / 100 µF = -40 V/s
    expect(r.completed).toBe(true);
    expect(node.voltageV).toBeCloseTo(3.3 - 0.4, 12);
    expect(ch.segments).toHaveLength(1);
    expect(ch.segments[0]!.currentA).toBe(0.004);
    expect(ch.segments[0]!.voltageV).toBeCloseTo(3.1, 12);
    // energy balance: supply = load + drop in stored energy
    expect(ch.energy()).toBeCloseTo(r.loadEnergyJ - (capJ(3.3) - capJ(2.9)), 15);
  });

  it('stops at brown-out, and reports when it happened', () => {
    const ch = channel(3.3, 0.01);
    const node = new PowerNode(opts, ch.terminal);
    node.waitUntil(3.3, 0, 1);
    ch.sp.outputOn = false;
    const r = node.run(1, 0.01); // from 3.3 V to 1.8 V at -100 V/s
    expect(r.completed).toBe(false);
    expect(r.elapsedS).toBeCloseTo(0.015, 12);
    expect(node.voltageV).toBe(1.8);
    expect(r.loadEnergyJ).toBeCloseTo(capJ(3.3) - capJ(1.8), 15);
    // the MCU is in reset now: it cannot run, and waiting draws nothing from the rail
    expect(node.run(1e-3, 0.01)).toMatchObject({ completed: false, elapsedS: 0 });
    const w = node.waitUntil(2.8, 1e-3, 0.5);
    expect(w).toMatchObject({ reached: false, loadEnergyJ: 0 });
    expect(w.elapsedS).toBeCloseTo(0.5, 12);
    expect(node.voltageV).toBe(1.8);
  });

  it('conserves energy over a mixed sequence: supply = load + change in stored energy', () => {
    const ch = channel(3.0, 0.006);
    const node = new PowerNode(opts, ch.terminal);
    let load = 0;
    for (let i = 0; i < 50; i++) {
      load += node.run(0.002, i % 3 === 0 ? 0.012 : 0.001).loadEnergyJ;
      load += node.waitUntil(2.9, 2e-6, 0.01).loadEnergyJ;
    }
    expect(ch.energy()).toBeCloseTo(load + capJ(node.voltageV), 12);
  });

  it('waitUntil gives up after maxS when the target is above the setpoint', () => {
    const ch = channel(2.5, 0.01);
    const node = new PowerNode(opts, ch.terminal);
    const r = node.waitUntil(3.0, 1e-6, 2);
    expect(r).toMatchObject({ reached: false, completed: false });
    expect(r.elapsedS).toBeCloseTo(2, 12);
    expect(node.voltageV).toBe(2.5);
  });

  it('refuses nonsense with typed errors', () => {
    const ch = channel(3.3, 0.01);
    expect(() => new PowerNode({ ...opts, brownOutV: 3 }, ch.terminal)).toThrow(expect.objectContaining({ code: 'POWER_ARG' }));
    const node = new PowerNode(opts, ch.terminal);
    expect(() => node.run(Number.NaN, 0.001)).toThrow(expect.objectContaining({ code: 'POWER_ARG' }));
    expect(() => node.run(1, -1)).toThrow(expect.objectContaining({ code: 'POWER_ARG' }));
  });
});
