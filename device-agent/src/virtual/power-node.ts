/**
 * The board's supply rail: a storage capacitor fed by a supply channel that behaves as a real
 * bench supply does — constant voltage at the setpoint while the load stays under the current
 * limit, constant current at the limit otherwise (the capacitor then charges or discharges
 * linearly). Solved analytically per segment, so energies are exact, not time-stepped. Every
 * segment is reported to the supply (SupplyTerminal.delivered), which keeps the account.
 */
import { EveError } from '../errors/eve-error.js';
import type { SupplyTerminal } from './power.js';

export interface PowerNodeOptions {
  capacitanceF: number;
  /** The MCU starts (leaves reset) when the rail rises to this. */
  turnOnV: number;
  /** The MCU browns out when the rail falls to this. */
  brownOutV: number;
}

export interface RunResult {
  /** False when the rail fell to brown-out before `durationS` elapsed. */
  completed: boolean;
  elapsedS: number;
  /** Energy the load drew from the rail, ∫ V·I_load dt. */
  loadEnergyJ: number;
}

/** Result of waitUntil: `reached` (= completed) says whether the rail got to the target in time. */
export interface WaitResult extends RunResult {
  reached: boolean;
}

const EPS_V = 1e-12;
/** The rail counts as "at the setpoint" (supply in CV) within this. */
const AT_SETPOINT_V = 1e-9;

export class PowerNode {
  private v = 0;

  constructor(readonly opts: PowerNodeOptions, private readonly supply: SupplyTerminal) {
    const { capacitanceF: c, turnOnV: on, brownOutV: bo } = opts;
    if (!(c > 0 && Number.isFinite(c))) throw new EveError('POWER_ARG', `capacitance ${c} F must be positive`);
    if (!(bo >= 0 && on > bo && Number.isFinite(on))) throw new EveError('POWER_ARG', `need 0 <= brownOutV (${bo}) < turnOnV (${on})`);
  }

  /** Power cycles of the supply so far (0 where the supply does not report them). */
  supplyOffCount(): number {
    return this.supply.outputOffCount?.() ?? 0;
  }

  get voltageV(): number {
    return this.v;
  }

  /**
   * Draws `loadA` for up to `durationS`. Stops early at brown-out (when `stop.brownOut`), or when
   * the rail reaches `untilV` (waits for charge). Each iteration solves one linear (CC) or constant
   * (CV) piece exactly and ends it at the next event: setpoint, target, brown-out or time up.
   */
  private advance(durationS: number, loadA: number, stop: { brownOut: boolean; untilV?: number }): RunResult {
    if (!Number.isFinite(durationS) || durationS < 0) throw new EveError('POWER_ARG', `duration ${durationS} s is not a finite non-negative number`);
    if (!Number.isFinite(loadA) || loadA < 0) throw new EveError('POWER_ARG', `load ${loadA} A is not a finite non-negative current`);
    const C = this.opts.capacitanceF;
    let left = durationS;
    let elapsed = 0;
    let loadJ = 0;
    // below brown-out the MCU is held in reset: it cannot run, and while waiting it draws nothing
    if (this.v < this.opts.brownOutV - EPS_V) {
      if (stop.brownOut && durationS > 0) return { completed: false, elapsedS: 0, loadEnergyJ: 0 };
      loadA = 0;
    }
    while (left > 0) {
      if (stop.untilV !== undefined && this.v >= stop.untilV - EPS_V) return { completed: true, elapsedS: elapsed, loadEnergyJ: loadJ };
      const sp = this.supply.setpoint();
      const on = sp.outputOn;
      if (on && Math.abs(this.v - sp.voltageV) <= AT_SETPOINT_V && loadA <= sp.currentLimitA) {
        // CV: the supply carries the load at its setpoint; the capacitor holds.
        this.v = sp.voltageV;
        if (stop.untilV !== undefined && this.v < stop.untilV - EPS_V) {
          // waiting for a voltage above the setpoint can never finish
          this.report(left, loadA, this.v, this.v);
          return { completed: false, elapsedS: elapsed + left, loadEnergyJ: loadJ + loadA * this.v * left };
        }
        this.report(left, loadA, this.v, this.v);
        loadJ += loadA * this.v * left;
        elapsed += left;
        left = 0;
        break;
      }
      // CC: the supply gives its current limit while the rail is at or below the setpoint (at the
      // setpoint too: an overload pulls the rail down from there). Output off, or the rail above the
      // setpoint: nothing, since a supply cannot sink current.
      const iSup = on && this.v <= sp.voltageV + AT_SETPOINT_V ? sp.currentLimitA : 0;
      const slope = (iSup - loadA) / C; // V/s
      let seg = left;
      let hit: 'none' | 'setpoint' | 'brownout' | 'target' = 'none';
      if (slope > 0 && on && this.v < sp.voltageV) {
        const t = (sp.voltageV - this.v) / slope;
        if (t <= seg) { seg = t; hit = 'setpoint'; }
      }
      if (slope > 0 && stop.untilV !== undefined && this.v < stop.untilV) {
        const t = (stop.untilV - this.v) / slope;
        if (t <= seg) { seg = t; hit = 'target'; }
      }
      if (slope < 0 && on && this.v > sp.voltageV) {
        const t = (this.v - sp.voltageV) / -slope;
        if (t <= seg) { seg = t; hit = 'setpoint'; }
      }
      if (slope < 0 && this.v >= this.opts.brownOutV) {
        const t = (this.v - this.opts.brownOutV) / -slope;
        if (t <= seg) { seg = t; hit = 'brownout'; }
      }
      if (slope < 0 && this.v + slope * seg < 0) seg = this.v / -slope; // an empty capacitor stays empty
      const v0 = this.v;
      const v1 = hit === 'setpoint' ? sp.voltageV : hit === 'target' ? stop.untilV! : hit === 'brownout' ? this.opts.brownOutV : Math.max(0, v0 + slope * seg);
      const vMean = (v0 + v1) / 2;
      this.report(seg, iSup, v0, v1);
      loadJ += loadA * vMean * seg;
      this.v = v1;
      elapsed += seg;
      left -= seg;
      if (hit === 'brownout') {
        if (stop.brownOut) return { completed: false, elapsedS: elapsed, loadEnergyJ: loadJ };
        loadA = 0; // waiting: the MCU browned out and sits in reset, drawing (next to) nothing
      }
      if (hit === 'target') return { completed: true, elapsedS: elapsed, loadEnergyJ: loadJ };
      if (seg === 0 && hit === 'none') { elapsed += left; left = 0; } // rail empty and nothing flows
    }
    const reached = stop.untilV === undefined || this.v >= stop.untilV - EPS_V;
    return { completed: reached, elapsedS: elapsed, loadEnergyJ: loadJ };
  }

  private report(durationS: number, currentA: number, v0: number, v1: number): void {
    if (durationS <= 0) return;
    const voltageV = (v0 + v1) / 2;
    this.supply.delivered({ durationS, currentA, voltageV, energyJ: currentA * voltageV * durationS });
  }

  /** The MCU draws `loadA` for `durationS`; completed=false if the rail browned out first. */
  run(durationS: number, loadA: number): RunResult {
    return this.advance(durationS, loadA, { brownOut: true });
  }

  /** Waits, drawing `loadA`, until the rail reaches `targetV` or `maxS` passes. */
  waitUntil(targetV: number, loadA: number, maxS: number): WaitResult {
    const r = this.advance(maxS, loadA, { brownOut: false, untilV: targetV });
    return { ...r, reached: r.completed };
  }

  /** The supply setpoint the rail charges towards. */
  setpointV(): number {
    const sp = this.supply.setpoint();
    return sp.outputOn ? sp.voltageV : 0;
  }
}
