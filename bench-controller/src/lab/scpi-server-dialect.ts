/**
 * Which instrument the simulator impersonates: its `*IDN?`, its channel ratings and its command
 * table. Every dialect drives the same SimPsu channels (their measurement model is SimPsu's);
 * only the command layer differs, so a driver is proven against the commands its instrument
 * really takes. A dialect's ratings are checked before SimPsu's own (DP832-sized) ones, so
 * values a DP832 would take but the impersonated model would not are refused with -222.
 */
import { buildCommandTable, expandTable, type CommandSpec } from './scpi-server-commands.js';
import { rigolTimerCommands } from './scpi-server-rigol-timer.js';
import { keysightE36300Commands } from './scpi-server-keysight.js';
import { siglentSpd3303xCommands } from './scpi-server-siglent.js';
import { SimListRunner, type ListTimer } from './scpi-server-list.js';
import type { SimPsu } from './sim-psu.js';

export interface DialectRange {
  maxVoltageV: number;
  maxCurrentA: number;
}

export interface ScpiDialect {
  readonly name: string;
  buildCommands(env: DialectEnv): CommandSpec[];
}

export interface DialectEnv {
  psu: SimPsu;
  /** Steps list / timer functions; its timers are the server's. */
  lists: SimListRunner;
}

export type DialectName = 'rigol-dp832' | 'keysight-e36311a' | 'keysight-e36312a' | 'keysight-e36313a' | 'siglent-spd3303x' | 'generic';

/** Ratings per the vendors' data sheets (E36300 series data sheet; SPD3303X user manual). */
export const E36300_RANGES: Record<'E36311A' | 'E36312A' | 'E36313A', readonly DialectRange[]> = {
  E36311A: [{ maxVoltageV: 6, maxCurrentA: 5 }, { maxVoltageV: 25, maxCurrentA: 1 }, { maxVoltageV: 25, maxCurrentA: 1 }],
  E36312A: [{ maxVoltageV: 6, maxCurrentA: 5 }, { maxVoltageV: 25, maxCurrentA: 1 }, { maxVoltageV: 25, maxCurrentA: 1 }],
  E36313A: [{ maxVoltageV: 6, maxCurrentA: 10 }, { maxVoltageV: 25, maxCurrentA: 2 }, { maxVoltageV: 25, maxCurrentA: 2 }],
};

export function dialect(name: DialectName, serial = 'SIM0001'): ScpiDialect {
  switch (name) {
    case 'rigol-dp832':
      return { name, buildCommands: (env) => [...buildCommandTable(), ...expandTable(rigolTimerCommands(env))] };
    case 'generic':
      // A SCPI-99 supply from an unknown vendor: the DP832 grammar answers the generic profile's
      // `INST:NSEL`, `VOLT`, `CURR`, `OUTP`, `MEAS:VOLT?` and `MEAS:CURR?`.
      return { name, buildCommands: () => withIdn(buildCommandTable(), `EVE LAB,GENERIC-PSU,${serial},1.0`) };
    case 'keysight-e36311a':
    case 'keysight-e36312a':
    case 'keysight-e36313a': {
      const model = name.slice('keysight-'.length).toUpperCase() as keyof typeof E36300_RANGES;
      return { name, buildCommands: (env) => keysightE36300Commands(env, `Keysight Technologies,${model},${serial},2.1.0-1.0.4-1.12`, E36300_RANGES[model]) };
    }
    case 'siglent-spd3303x':
      // Five fields, as SPD3303X firmware answers (hardware version last).
      return { name, buildCommands: (env) => siglentSpd3303xCommands(env, `Siglent Technologies,SPD3303X,${serial},1.01.01.02.05,V3.0`) };
  }
}

/** The table with another `*IDN?` answer in front (the first match wins). */
function withIdn(table: CommandSpec[], idn: string): CommandSpec[] {
  return [{ expansions: [[{ short: '*IDN', long: '*IDN', suffix: false }]], query: () => idn }, ...table];
}

export function dialectEnv(psu: SimPsu, timer?: ListTimer): DialectEnv {
  return { psu, lists: new SimListRunner(timer) };
}
