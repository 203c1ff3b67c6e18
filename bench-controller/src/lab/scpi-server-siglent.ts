/**
 * The Siglent SPD3303X command set as the simulator executes it, per the SPD3303X programming
 * guide: channel-prefixed setpoints (`CH1:VOLT 3.3`, `CH1:CURR?`), `OUTP CH1,ON`,
 * `MEAS:CURR? CH1`, the five-group timer (`TIMEr:SET CH1,<group>,<V>,<A>,<s>`, `TIMEr CH1,ON`)
 * and, as on the firmware this impersonates, no `SYST:ERR?`: an error is only visible as a
 * setpoint that did not change. CH3 (fixed 2.5/3.3/5 V) is not programmable, so two channels.
 */
import { ScpiExecError } from './scpi-server-parser.js';
import {
  argCount, boolArg, dataOutOfRange, expandTable, numberArg, onOff, type CommandContext, type CommandSpec,
} from './scpi-server-commands.js';
import type { DialectEnv } from './scpi-server-dialect.js';
import type { SimListPoint } from './scpi-server-list.js';
import type { SimPsuChannel } from './sim-psu.js';

export const SPD3303X_RANGE = { maxVoltageV: 32, maxCurrentA: 3.2 };
export const SPD3303X_TIMER = { groups: 5, minS: 1, maxS: 10000 };
const CHANNELS = 2;

export function siglentSpd3303xCommands(env: DialectEnv, idn: string): CommandSpec[] {
  const { psu, lists } = env;
  const timers = new Map<number, Array<SimListPoint | undefined>>();
  const groupsOf = (n: number) => {
    let g = timers.get(n);
    if (!g) timers.set(n, (g = Array.from({ length: SPD3303X_TIMER.groups }, () => undefined)));
    return g;
  };
  const named = (text: string | undefined): SimPsuChannel => {
    const m = /^CH([12])$/i.exec(text ?? '');
    if (!m) throw new ScpiExecError(-224, 'Illegal parameter value');
    return psu.channel(Number(m[1]));
  };
  const prefixed = (c: CommandContext): SimPsuChannel => {
    if (c.suffix === undefined) return psu.channel(psu.selected);
    if (c.suffix < 1 || c.suffix > CHANNELS) throw new ScpiExecError(-114, 'Header suffix out of range');
    return psu.channel(c.suffix);
  };
  const setLevel = (c: CommandContext, max: number, apply: (ch: SimPsuChannel, v: number) => boolean) => {
    argCount(c, 1, 1);
    const v = numberArg(c.args[0]!, 0, max);
    if (!(v >= 0 && v <= max) || !apply(prefixed(c), v)) throw dataOutOfRange();
  };
  const measured = (c: CommandContext) => {
    argCount(c, 0, 1);
    return c.args.length === 1 ? named(c.args[0]) : psu.channel(psu.selected);
  };

  return expandTable([
    ['*IDN', { query: () => idn }],
    ['INSTrument[:SELect]', {
      set: (c) => { argCount(c, 1, 1); psu.selected = named(c.args[0]).number; },
      query: () => `CH${psu.selected}`,
    }],
    ['[CH#]:VOLTage', {
      set: (c) => setLevel(c, SPD3303X_RANGE.maxVoltageV, (ch, v) => ch.setVoltage(v)),
      query: (c) => { argCount(c, 0, 0); return prefixed(c).setpoint().voltageV.toFixed(3); },
    }],
    ['[CH#]:CURRent', {
      set: (c) => setLevel(c, SPD3303X_RANGE.maxCurrentA, (ch, a) => ch.setCurrentLimit(a)),
      query: (c) => { argCount(c, 0, 0); return prefixed(c).setpoint().currentLimitA.toFixed(3); },
    }],
    ['OUTPut', {
      set: (c) => { argCount(c, 2, 2); named(c.args[0]).setOutput(boolArg(c.args[1]!)); },
    }],
    ['MEASure:VOLTage', { query: (c) => measured(c).measureVoltage().toFixed(3) }],
    ['MEASure:CURRent', { query: (c) => measured(c).measureCurrent().toFixed(3) }],
    ['MEASure:POWEr', { query: (c) => measured(c).measurePower().toFixed(3) }],
    ['TIMEr:SET', {
      set: (c) => {
        argCount(c, 5, 5);
        const ch = named(c.args[0]);
        const group = numberArg(c.args[1]!, 1, SPD3303X_TIMER.groups);
        const v = numberArg(c.args[2]!, 0, SPD3303X_RANGE.maxVoltageV);
        const a = numberArg(c.args[3]!, 0, SPD3303X_RANGE.maxCurrentA);
        const s = numberArg(c.args[4]!, SPD3303X_TIMER.minS, SPD3303X_TIMER.maxS);
        if (!Number.isInteger(group) || group < 1 || group > SPD3303X_TIMER.groups) throw dataOutOfRange();
        if (!(v >= 0 && v <= SPD3303X_RANGE.maxVoltageV && a >= 0 && a <= SPD3303X_RANGE.maxCurrentA)) throw dataOutOfRange();
        if (!(s >= SPD3303X_TIMER.minS && s <= SPD3303X_TIMER.maxS)) throw dataOutOfRange();
        groupsOf(ch.number)[group - 1] = { voltageV: v, currentA: a, dwellS: s };
      },
      query: (c) => {
        argCount(c, 2, 2);
        const g = groupsOf(named(c.args[0]).number)[numberArg(c.args[1]!, 1, SPD3303X_TIMER.groups) - 1];
        if (!g) return '0.000,0.000,0';
        return `${g.voltageV.toFixed(3)},${g.currentA.toFixed(3)},${g.dwellS}`;
      },
    }],
    ['TIMEr', {
      set: (c) => {
        argCount(c, 2, 2);
        const ch = named(c.args[0]);
        if (!boolArg(c.args[1]!)) return lists.stop(ch.number);
        // Groups run in order up to the first unset one, once.
        const groups = groupsOf(ch.number);
        const end = groups.findIndex((g) => g === undefined);
        lists.start(ch, groups.slice(0, end < 0 ? groups.length : end) as SimListPoint[], 1);
      },
      query: (c) => { argCount(c, 1, 1); return onOff(lists.pointIndex(named(c.args[0]).number) !== undefined); },
    }],
  ]);
}
