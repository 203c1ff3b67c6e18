/**
 * The DP832 command set the simulator executes against a SimPsu, per the DP800 programming
 * guide, plus the simulator-only `:SIMulation:READings? [CH<n>]` (not a DP832 command: the readings a
 * host polling `:MEAS:ALL?` would have collected, since simulated time does not follow the wall
 * clock; see sim-psu.ts).
 */
import { ScpiExecError, expandPattern, type PatternNode } from './scpi-server-parser.js';
import type { SimPsu, SimPsuChannel } from './sim-psu.js';

export interface CommandContext {
  psu: SimPsu;
  /** Numeric suffix from the header (`SOUR2`), if any. */
  suffix: number | undefined;
  args: string[];
}

export interface CommandSpec {
  expansions: PatternNode[][];
  /** Handler for the set form; absent when the command is query-only. */
  set?: (c: CommandContext) => void;
  /** Handler for the query form; returns the reply text. */
  query?: (c: CommandContext) => string;
}

export const dataOutOfRange = () => new ScpiExecError(-222, 'Data out of range');
export const illegalValue = () => new ScpiExecError(-224, 'Illegal parameter value');

export function argCount(c: CommandContext, min: number, max: number): void {
  if (c.args.length < min) throw new ScpiExecError(-109, 'Missing parameter');
  if (c.args.length > max) throw new ScpiExecError(-108, 'Parameter not allowed');
}

function channelArg(psu: SimPsu, text: string): SimPsuChannel {
  const m = /^CH(\d+)$/i.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > psu.channelCount) throw illegalValue();
  return psu.channel(Number(m[1]));
}

/** Channel from a header suffix, else the selected one. */
function suffixChannel(c: CommandContext): SimPsuChannel {
  if (c.suffix === undefined) return c.psu.channel(c.psu.selected);
  if (c.suffix < 1 || c.suffix > c.psu.channelCount) throw new ScpiExecError(-114, 'Header suffix out of range');
  return c.psu.channel(c.suffix);
}

/** Optional leading `CH<n>` argument, else the selected channel. */
function optionalChannel(c: CommandContext, maxArgs: number): { ch: SimPsuChannel; rest: string[] } {
  argCount(c, 0, maxArgs);
  if (c.args.length > 0 && /^CH/i.test(c.args[0]!)) return { ch: channelArg(c.psu, c.args[0]!), rest: c.args.slice(1) };
  if (c.args.length >= maxArgs) throw new ScpiExecError(-108, 'Parameter not allowed');
  return { ch: c.psu.channel(c.psu.selected), rest: c.args };
}

export const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function numberArg(text: string, min: number, max: number): number {
  const t = text.toUpperCase();
  if (t === 'MIN' || t === 'MINIMUM') return min;
  if (t === 'MAX' || t === 'MAXIMUM') return max;
  if (!NUMBER.test(text)) throw new ScpiExecError(-104, 'Data type error');
  return Number(text);
}

export function boolArg(text: string): boolean {
  const t = text.toUpperCase();
  if (t === 'ON' || t === '1') return true;
  if (t === 'OFF' || t === '0') return false;
  throw illegalValue();
}

function setVoltage(ch: SimPsuChannel, text: string): void {
  if (!ch.setVoltage(numberArg(text, 0, ch.spec.maxVoltageV))) throw dataOutOfRange();
}

function setCurrent(ch: SimPsuChannel, text: string): void {
  if (!ch.setCurrentLimit(numberArg(text, 0, ch.spec.maxCurrentA))) throw dataOutOfRange();
}

export const onOff = (on: boolean) => (on ? 'ON' : 'OFF');

function table(): Array<[string, Omit<CommandSpec, 'expansions'>]> {
  return [
    ['*IDN', { query: (c) => c.psu.idn }],
    ['*RST', { set: (c) => c.psu.reset() }],
    ['*CLS', { set: (c) => c.psu.clearErrors() }],
    ['*OPC', { set: () => undefined, query: () => '1' }],
    ['SYSTem:ERRor[:NEXT]', { query: (c) => { const e = c.psu.popError(); return `${e.code},"${e.message}"`; } }],
    ['SYSTem:VERSion', { query: () => '1999.0' }],
    ['SYSTem:REMote', { set: (c) => argCount(c, 0, 0) }],
    ['SYSTem:LOCal', { set: (c) => argCount(c, 0, 0) }],
    ['SYSTem:BEEPer[:STATe]', {
      set: (c) => { argCount(c, 1, 1); c.psu.beep = boolArg(c.args[0]!); },
      query: (c) => onOff(c.psu.beep),
    }],
    // over-temperature protection switch (DP800 programming guide, :SYSTem:OTP); sigrok reads it
    ['SYSTem:OTP', {
      set: (c) => { argCount(c, 1, 1); c.psu.otp = boolArg(c.args[0]!); },
      query: (c) => onOff(c.psu.otp),
    }],
    ['INSTrument:NSELect', {
      set: (c) => {
        argCount(c, 1, 1);
        const n = numberArg(c.args[0]!, 1, c.psu.channelCount);
        if (!Number.isInteger(n) || n < 1 || n > c.psu.channelCount) throw dataOutOfRange();
        c.psu.selected = n;
      },
      query: (c) => String(c.psu.selected),
    }],
    ['INSTrument[:SELect]', {
      set: (c) => { argCount(c, 1, 1); c.psu.selected = channelArg(c.psu, c.args[0]!).number; },
      query: (c) => `CH${c.psu.selected}`,
    }],
    ['[:SOURce#]:VOLTage[:LEVel[:IMMediate[:AMPLitude]]]', {
      set: (c) => { argCount(c, 1, 1); setVoltage(suffixChannel(c), c.args[0]!); },
      query: (c) => { argCount(c, 0, 0); return suffixChannel(c).setpoint().voltageV.toFixed(3); },
    }],
    ['[:SOURce#]:CURRent[:LEVel[:IMMediate[:AMPLitude]]]', {
      set: (c) => { argCount(c, 1, 1); setCurrent(suffixChannel(c), c.args[0]!); },
      query: (c) => { argCount(c, 0, 0); return suffixChannel(c).setpoint().currentLimitA.toFixed(4); },
    }],
    ['APPLy', {
      set: (c) => {
        argCount(c, 2, 3);
        const ch = channelArg(c.psu, c.args[0]!);
        // Validate both values before changing either, so a bad current leaves the voltage alone.
        const v = numberArg(c.args[1]!, 0, ch.spec.maxVoltageV);
        const a = c.args[2] === undefined ? ch.setpoint().currentLimitA : numberArg(c.args[2], 0, ch.spec.maxCurrentA);
        if (!(v >= 0 && v <= ch.spec.maxVoltageV && a >= 0 && a <= ch.spec.maxCurrentA)) throw dataOutOfRange();
        ch.setVoltage(v);
        ch.setCurrentLimit(a);
      },
      query: (c) => {
        const { ch } = optionalChannel(c, 1);
        const s = ch.setpoint();
        return `CH${ch.number}:${ch.spec.ratedVoltageV}V/${ch.spec.ratedCurrentA}A,${s.voltageV.toFixed(3)},${s.currentLimitA.toFixed(4)}`;
      },
    }],
    ['OUTPut[:STATe]', {
      set: (c) => {
        const { ch, rest } = optionalChannel(c, 2);
        if (rest.length !== 1) throw new ScpiExecError(-109, 'Missing parameter');
        ch.setOutput(boolArg(rest[0]!));
      },
      query: (c) => onOff(optionalChannel(c, 1).ch.setpoint().outputOn),
    }],
    ...protectionCommands('OVP', 'ovpV', 'ovpOn', 'ovpTripped', (ch) => ch.spec.maxVoltageV + 1),
    ...protectionCommands('OCP', 'ocpA', 'ocpOn', 'ocpTripped', (ch) => ch.spec.maxCurrentA + 0.1),
    ['OUTPut:MODE', { query: (c) => optionalChannel(c, 1).ch.mode() }],
    ['MEASure[:VOLTage][:DC]', { query: (c) => optionalChannel(c, 1).ch.measureVoltage().toFixed(3) }],
    ['MEASure:CURRent[:DC]', { query: (c) => optionalChannel(c, 1).ch.measureCurrent().toFixed(4) }],
    ['MEASure:POWEr[:DC]', { query: (c) => optionalChannel(c, 1).ch.measurePower().toFixed(3) }],
    ['MEASure:ALL[:DC]', {
      query: (c) => {
        const { ch } = optionalChannel(c, 1);
        return `${ch.measureVoltage().toFixed(3)},${ch.measureCurrent().toFixed(4)},${ch.measurePower().toFixed(3)}`;
      },
    }],
    ['SIMulation:READings', {
      // `:SIM:READ? CH<n>[,<max>]` -> "<count>[,V,I]...", oldest first, at most <max> (default
      // 1000) per reply so replies stay short; V and I formatted as :MEAS:ALL? formats them
      query: (c) => {
        const { ch, rest } = optionalChannel(c, 2);
        const max = rest[0] === undefined ? 1000 : Number(rest[0]);
        if (!Number.isInteger(max) || max < 1 || max > 1000) throw new ScpiExecError(-222, 'Data out of range');
        const rs = ch.collectReadings(max);
        return [String(rs.length), ...rs.map((r) => `${r.voltageV.toFixed(3)},${r.currentA.toFixed(4)}`)].join(',');
      },
    }],
  ];
}

/**
 * `:OUTP:OVP[:STAT] [CH<n>,]ON|OFF`, `:OUTP:OVP:VAL [CH<n>,]<v>` (also accepted as `:OUTP:OVP
 * [CH<n>,]<v>` — a number where ON/OFF is expected can only mean the value), their queries,
 * `:OUTP:OVP:QUES? [CH<n>]` (YES if tripped) and `:OUTP:OVP:CLE [CH<n>]`; the same for OCP.
 */
function protectionCommands(
  name: 'OVP' | 'OCP',
  value: 'ovpV' | 'ocpA',
  state: 'ovpOn' | 'ocpOn',
  tripped: 'ovpTripped' | 'ocpTripped',
  max: (ch: SimPsuChannel) => number,
): Array<[string, Omit<CommandSpec, 'expansions'>]> {
  const setValue = (ch: SimPsuChannel, text: string) => {
    const v = numberArg(text, 0, max(ch));
    if (!(v >= 0 && v <= max(ch))) throw dataOutOfRange();
    ch.protection[value] = v;
  };
  return [
    [`OUTPut:${name}[:STATe]`, {
      set: (c) => {
        const { ch, rest } = optionalChannel(c, 2);
        if (rest.length !== 1) throw new ScpiExecError(-109, 'Missing parameter');
        if (NUMBER.test(rest[0]!) && rest[0] !== '0' && rest[0] !== '1') setValue(ch, rest[0]!);
        else ch.protection[state] = boolArg(rest[0]!);
      },
      query: (c) => onOff(optionalChannel(c, 1).ch.protection[state]),
    }],
    [`OUTPut:${name}:VALue`, {
      set: (c) => {
        const { ch, rest } = optionalChannel(c, 2);
        if (rest.length !== 1) throw new ScpiExecError(-109, 'Missing parameter');
        setValue(ch, rest[0]!);
      },
      query: (c) => optionalChannel(c, 1).ch.protection[value].toFixed(3),
    }],
    [`OUTPut:${name}:QUEStion`, { query: (c) => (optionalChannel(c, 1).ch.protection[tripped] ? 'YES' : 'NO') }],
    [`OUTPut:${name}:CLEar`, { set: (c) => { optionalChannel(c, 1).ch.protection[tripped] = false; } }],
  ];
}

/** Expands `[pattern, handlers]` pairs into a command table (once per server). */
export function expandTable(entries: Array<[string, Omit<CommandSpec, 'expansions'>]>): CommandSpec[] {
  return entries.map(([pattern, spec]) => ({ ...spec, expansions: expandPattern(pattern) }));
}

/** The DP832 command table. */
export function buildCommandTable(): CommandSpec[] {
  return expandTable(table());
}
