/**
 * The Keysight E36300 series (E36311A/E36312A/E36313A) command set as the simulator executes
 * it, per the E36300 programming guide: channels are addressed by a trailing channel list
 * `(@1)`, outputs answer 1/0, there is no power readback, OVP is `VOLT:PROT`, and the LIST
 * subsystem (`LIST:VOLT|CURR|DWEL|COUN`, `VOLT:MODE LIST`, `TRIG:SOUR BUS|IMM`, `INIT`, `*TRG`,
 * `ABOR`) steps setpoints on the instrument itself.
 */
import { ScpiExecError } from './scpi-server-parser.js';
import {
  argCount, boolArg, dataOutOfRange, expandTable, numberArg, type CommandContext, type CommandSpec,
} from './scpi-server-commands.js';
import type { DialectEnv, DialectRange } from './scpi-server-dialect.js';
import type { SimListPoint } from './scpi-server-list.js';
import type { SimPsuChannel } from './sim-psu.js';

/** List length, as Keysight documents its LIST subsystem (N6700 family): up to 512 steps. */
export const E36300_MAX_LIST_POINTS = 512;

interface ListState {
  voltages: number[];
  currents: number[];
  dwells: number[];
  count: number;
  voltageMode: 'FIX' | 'LIST';
  currentMode: 'FIX' | 'LIST';
  source: 'BUS' | 'IMM';
  initiated: boolean;
}

/** Splits `…,(@1)` / `…,(@1,3)` / `(@1:3)` off the arguments; no list means the selected channel. */
function channelList(c: CommandContext, count: number): { channels: number[]; rest: string[] } {
  const at = c.args.findIndex((a) => a.startsWith('(@'));
  if (at < 0) return { channels: [c.psu.selected], rest: c.args };
  const text = c.args.slice(at).join(',');
  const m = /^\(@([\d,:]+)\)$/.exec(text);
  if (!m) throw new ScpiExecError(-104, 'Data type error');
  const channels: number[] = [];
  for (const part of m[1]!.split(',')) {
    const [a, b] = part.split(':').map(Number);
    for (let n = a!; n <= (b ?? a!); n++) {
      if (!Number.isInteger(n) || n < 1 || n > count) throw new ScpiExecError(-224, 'Illegal parameter value');
      channels.push(n);
    }
  }
  return { channels, rest: c.args.slice(0, at) };
}

export function keysightE36300Commands(env: DialectEnv, idn: string, ranges: readonly DialectRange[]): CommandSpec[] {
  const { psu, lists } = env;
  const count = ranges.length;
  const state = new Map<number, ListState>();
  const listOf = (n: number): ListState => {
    let s = state.get(n);
    if (!s) state.set(n, (s = { voltages: [], currents: [], dwells: [], count: 1, voltageMode: 'FIX', currentMode: 'FIX', source: 'IMM', initiated: false }));
    return s;
  };
  const ch = (n: number): SimPsuChannel => psu.channel(n);
  /** One value for each listed channel, checked against that channel's rating. */
  const setEach = (c: CommandContext, max: (r: DialectRange) => number, apply: (ch: SimPsuChannel, v: number) => boolean) => {
    const { channels, rest } = channelList(c, count);
    if (rest.length !== 1) throw new ScpiExecError(rest.length === 0 ? -109 : -108, rest.length === 0 ? 'Missing parameter' : 'Parameter not allowed');
    for (const n of channels) {
      const limit = max(ranges[n - 1]!);
      const v = numberArg(rest[0]!, 0, limit);
      if (!(v >= 0 && v <= limit) || !apply(ch(n), v)) throw dataOutOfRange();
    }
  };
  const queryEach = (c: CommandContext, read: (n: number) => string) => channelList(c, count).channels.map(read).join(',');
  const listValues = (c: CommandContext, max: (n: number) => number, field: 'voltages' | 'currents' | 'dwells') => {
    const { channels, rest } = channelList(c, count);
    if (rest.length === 0) throw new ScpiExecError(-109, 'Missing parameter');
    if (rest.length > E36300_MAX_LIST_POINTS) throw new ScpiExecError(-223, 'Too much data');
    for (const n of channels) {
      const values = rest.map((t) => numberArg(t, 0, max(n)));
      if (values.some((v) => !(v >= 0 && v <= max(n)))) throw dataOutOfRange();
      listOf(n)[field] = values;
    }
  };
  const startList = (n: number) => {
    const s = listOf(n);
    const len = Math.max(s.voltages.length, s.currents.length, s.dwells.length);
    const at = <T>(xs: T[], i: number, fixed: T) => (xs.length === 1 ? xs[0]! : xs[i] ?? fixed);
    // The guide requires every list to have the same length or length 1.
    for (const xs of [s.voltages, s.currents, s.dwells]) if (xs.length !== len && xs.length !== 1) throw new ScpiExecError(-221, 'Settings conflict; list lengths differ');
    const sp = ch(n).setpoint();
    const points: SimListPoint[] = Array.from({ length: len }, (_, i) => ({
      voltageV: s.voltageMode === 'LIST' ? at(s.voltages, i, sp.voltageV) : sp.voltageV,
      currentA: s.currentMode === 'LIST' ? at(s.currents, i, sp.currentLimitA) : sp.currentLimitA,
      dwellS: at(s.dwells, i, 0.001),
    }));
    s.initiated = false;
    lists.start(ch(n), points, s.count);
  };
  const mode = (field: 'voltageMode' | 'currentMode') => ({
    set: (c: CommandContext) => {
      const { channels, rest } = channelList(c, count);
      const m = rest[0]?.toUpperCase();
      if (rest.length !== 1 || !['FIX', 'FIXED', 'LIST', 'STEP'].includes(m!)) throw new ScpiExecError(-224, 'Illegal parameter value');
      for (const n of channels) listOf(n)[field] = m === 'LIST' ? 'LIST' : 'FIX';
    },
    query: (c: CommandContext) => queryEach(c, (n) => listOf(n)[field]),
  });
  const rated = (field: 'maxVoltageV' | 'maxCurrentA') => (n: number) => ranges[n - 1]![field];

  return expandTable([
    ['*IDN', { query: () => idn }],
    ['*RST', { set: () => { lists.stopAll(); state.clear(); psu.reset(); } }],
    ['*CLS', { set: () => psu.clearErrors() }],
    ['*OPC', { set: () => undefined, query: () => '1' }],
    ['*TRG', {
      set: () => {
        for (const [n, s] of state) if (s.initiated && s.source === 'BUS') startList(n);
      },
    }],
    ['SYSTem:ERRor[:NEXT]', { query: () => { const e = psu.popError(); return `${e.code},"${e.message}"`; } }],
    ['INSTrument:NSELect', {
      set: (c) => { argCount(c, 1, 1); const n = numberArg(c.args[0]!, 1, count); if (!Number.isInteger(n) || n < 1 || n > count) throw dataOutOfRange(); psu.selected = n; },
      query: () => String(psu.selected),
    }],
    ['[SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude]', {
      set: (c) => setEach(c, (r) => r.maxVoltageV, (h, v) => h.setVoltage(v)),
      query: (c) => queryEach(c, (n) => ch(n).setpoint().voltageV.toFixed(4)),
    }],
    ['[SOURce:]CURRent[:LEVel][:IMMediate][:AMPLitude]', {
      set: (c) => setEach(c, (r) => r.maxCurrentA, (h, a) => h.setCurrentLimit(a)),
      query: (c) => queryEach(c, (n) => ch(n).setpoint().currentLimitA.toFixed(4)),
    }],
    ['[SOURce:]VOLTage:PROTection[:LEVel]', {
      set: (c) => setEach(c, (r) => r.maxVoltageV * 1.1, (h, v) => { h.protection.ovpV = v; h.protection.ovpOn = true; return true; }),
      query: (c) => queryEach(c, (n) => ch(n).protection.ovpV.toFixed(4)),
    }],
    ['[SOURce:]VOLTage:MODE', mode('voltageMode')],
    ['[SOURce:]CURRent:MODE', mode('currentMode')],
    ['OUTPut[:STATe]', {
      set: (c) => {
        const { channels, rest } = channelList(c, count);
        if (rest.length !== 1) throw new ScpiExecError(-109, 'Missing parameter');
        const on = boolArg(rest[0]!);
        for (const n of channels) ch(n).setOutput(on);
      },
      query: (c) => queryEach(c, (n) => (ch(n).setpoint().outputOn ? '1' : '0')),
    }],
    ['MEASure[:SCALar]:VOLTage[:DC]', { query: (c) => queryEach(c, (n) => ch(n).measureVoltage().toFixed(4)) }],
    ['MEASure[:SCALar]:CURRent[:DC]', { query: (c) => queryEach(c, (n) => ch(n).measureCurrent().toFixed(5)) }],
    ['[SOURce:]LIST:VOLTage[:LEVel]', { set: (c) => listValues(c, rated('maxVoltageV'), 'voltages'), query: (c) => listOf(channelList(c, count).channels[0]!).voltages.map((v) => v.toFixed(4)).join(',') }],
    ['[SOURce:]LIST:CURRent[:LEVel]', { set: (c) => listValues(c, rated('maxCurrentA'), 'currents'), query: (c) => listOf(channelList(c, count).channels[0]!).currents.map((v) => v.toFixed(4)).join(',') }],
    ['[SOURce:]LIST:DWELl', { set: (c) => listValues(c, () => 262.144, 'dwells'), query: (c) => listOf(channelList(c, count).channels[0]!).dwells.map((v) => v.toFixed(3)).join(',') }],
    ['[SOURce:]LIST:COUNt', {
      set: (c) => {
        const { channels, rest } = channelList(c, count);
        if (rest.length !== 1) throw new ScpiExecError(-109, 'Missing parameter');
        const t = rest[0]!.toUpperCase();
        const n = t === 'INF' || t === 'INFINITY' ? 0 : numberArg(rest[0]!, 1, 256);
        if (!Number.isInteger(n) || n < 0 || n > 256) throw dataOutOfRange();
        for (const k of channels) listOf(k).count = n;
      },
    }],
    ['TRIGger[:TRANsient]:SOURce', {
      set: (c) => {
        const { channels, rest } = channelList(c, count);
        const t = rest[0]?.toUpperCase();
        if (rest.length !== 1 || !['BUS', 'IMM', 'IMMEDIATE'].includes(t!)) throw new ScpiExecError(-224, 'Illegal parameter value');
        for (const n of channels) listOf(n).source = t === 'BUS' ? 'BUS' : 'IMM';
      },
    }],
    ['INITiate[:IMMediate][:TRANsient]', {
      set: (c) => {
        for (const n of channelList(c, count).channels) {
          const s = listOf(n);
          s.initiated = true;
          if (s.source === 'IMM') startList(n);
        }
      },
    }],
    ['ABORt[:TRANsient]', { set: (c) => { for (const n of channelList(c, count).channels) { listOf(n).initiated = false; lists.stop(n); } } }],
  ]);
}
