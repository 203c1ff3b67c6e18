/**
 * The DP832's timer function as the simulator executes it (DP800 programming guide,
 * `:TIMEr:*`): groups of `<volt>,<curr>,<time>` for the *selected* channel (`:INST:NSEL`),
 * `:TIMEr:GROUPs`, `:TIMEr:CYCLEs N,<n>|I`, `:TIMEr:ENDState OFF|LAST`, `:TIMEr[:STATe] ON|OFF`.
 */
import { ScpiExecError } from './scpi-server-parser.js';
import { argCount, boolArg, dataOutOfRange, numberArg, onOff, type CommandSpec } from './scpi-server-commands.js';
import type { DialectEnv } from './scpi-server-dialect.js';
import type { SimListPoint } from './scpi-server-list.js';

export const DP832_TIMER = { maxGroups: 2048, minS: 1, maxS: 99999 };

interface TimerState {
  groups: Array<SimListPoint | undefined>;
  count: number;
  cycles: number;
  on: boolean;
}

export function rigolTimerCommands(env: DialectEnv): Array<[string, Omit<CommandSpec, 'expansions'>]> {
  const { psu, lists } = env;
  const states = new Map<number, TimerState>();
  const state = (): TimerState => {
    let s = states.get(psu.selected);
    if (!s) states.set(psu.selected, (s = { groups: [], count: 1, cycles: 1, on: false }));
    return s;
  };
  return [
    ['TIMEr:PARAmeter', {
      set: (c) => {
        argCount(c, 4, 4);
        const s = state();
        if (s.on) throw new ScpiExecError(-221, 'Settings conflict; timer running');
        const ch = psu.channel(psu.selected);
        const n = numberArg(c.args[0]!, 0, DP832_TIMER.maxGroups - 1);
        const v = numberArg(c.args[1]!, 0, ch.spec.maxVoltageV);
        const a = numberArg(c.args[2]!, 0, ch.spec.maxCurrentA);
        const t = numberArg(c.args[3]!, DP832_TIMER.minS, DP832_TIMER.maxS);
        if (!Number.isInteger(n) || n < 0 || n >= DP832_TIMER.maxGroups) throw dataOutOfRange();
        if (!(v >= 0 && v <= ch.spec.maxVoltageV && a >= 0 && a <= ch.spec.maxCurrentA && t >= DP832_TIMER.minS && t <= DP832_TIMER.maxS)) throw dataOutOfRange();
        s.groups[n] = { voltageV: v, currentA: a, dwellS: t };
      },
    }],
    ['TIMEr:GROUPs', {
      set: (c) => {
        argCount(c, 1, 1);
        const n = numberArg(c.args[0]!, 1, DP832_TIMER.maxGroups);
        if (!Number.isInteger(n) || n < 1 || n > DP832_TIMER.maxGroups) throw dataOutOfRange();
        state().count = n;
      },
      query: () => String(state().count),
    }],
    ['TIMEr:CYCLEs', {
      set: (c) => {
        argCount(c, 1, 2);
        const mode = c.args[0]!.toUpperCase();
        if (mode === 'I') state().cycles = 0;
        else if (mode === 'N' && c.args.length === 2) {
          const n = numberArg(c.args[1]!, 1, 99999);
          if (!Number.isInteger(n) || n < 1 || n > 99999) throw dataOutOfRange();
          state().cycles = n;
        } else throw new ScpiExecError(-224, 'Illegal parameter value');
      },
    }],
    ['TIMEr:ENDState', {
      set: (c) => { argCount(c, 1, 1); if (!['OFF', 'LAST'].includes(c.args[0]!.toUpperCase())) throw new ScpiExecError(-224, 'Illegal parameter value'); },
    }],
    ['TIMEr[:STATe]', {
      set: (c) => {
        argCount(c, 1, 1);
        const s = state();
        s.on = boolArg(c.args[0]!);
        if (!s.on) return lists.stop(psu.selected);
        const groups = s.groups.slice(0, s.count);
        if (groups.length < s.count || groups.some((g) => g === undefined)) throw new ScpiExecError(-221, 'Settings conflict; timer group not set');
        lists.start(psu.channel(psu.selected), groups as SimListPoint[], s.cycles);
      },
      query: () => onOff(state().on),
    }],
  ];
}
