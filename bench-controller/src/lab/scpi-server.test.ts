import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimPsu } from './sim-psu.js';
import { EXACT_READBACK } from './readback-model.js';
import { ScpiInterpreter, serveScpi, type RunningScpiServer } from './scpi-server.js';

function run(psu: SimPsu, ...lines: string[]): Array<string | undefined> {
  const i = new ScpiInterpreter(psu);
  return lines.map((l) => i.executeLine(l));
}

function errors(psu: SimPsu): string[] {
  const out: string[] = [];
  for (let e = psu.popError(); e.code !== 0; e = psu.popError()) out.push(`${e.code},"${e.message}"`);
  return out;
}

describe('ScpiInterpreter (the DP832 dialect)', () => {
  it('answers *IDN? and an empty error queue', () => {
    expect(run(new SimPsu(), '*IDN?', 'SYST:ERR?')).toEqual(['RIGOL TECHNOLOGIES,DP832,DP8SIM0001,00.01.16', '0,"No error"']);
  });

  it('accepts long and short forms, any case, with or without a leading colon', () => {
    const psu = new SimPsu();
    run(psu, ':SOURce1:VOLTage:LEVel:IMMediate:AMPLitude 1.5', 'sour2:volt 2.5', ':SOUR3:CURR:LEV 0.5', ':INST:NSEL 2', ':CURRent 1.25');
    expect(psu.channel(1).setpoint().voltageV).toBe(1.5);
    expect(psu.channel(2).setpoint()).toMatchObject({ voltageV: 2.5, currentLimitA: 1.25 });
    expect(psu.channel(3).setpoint().currentLimitA).toBe(0.5);
    expect(run(psu, ':SOUR1:VOLT?', ':INST:NSEL?', ':INST?', 'SOURCE2:VOLTAGE?')).toEqual(['1.500', '2', 'CH2', '2.500']);
    expect(errors(psu)).toEqual([]);
  });

  it('runs APPL, OUTP and MEAS with and without a channel argument', () => {
    const psu = new SimPsu({ readback: EXACT_READBACK });
    run(psu, ':APPL CH1,3.3,0.1', ':OUTP CH1,ON', ':INST CH1');
    expect(run(psu, ':OUTP? CH1', ':OUTP?', ':OUTP? CH2', ':MEAS? CH1', ':MEAS:VOLT?', ':APPL? CH1')).toEqual(['ON', 'ON', 'OFF', '3.300', '3.300', 'CH1:30V/3A,3.300,0.1000']);
    psu.channel(1).delivered({ durationS: 0.5, currentA: 0.02, voltageV: 3.3, energyJ: 0.033 });
    expect(run(psu, ':MEAS:CURR? CH1', ':MEAS:POWE? CH1', ':MEAS:ALL? CH1')).toEqual(['0.0200', '0.066', '3.300,0.0200,0.066']);
    // no energy accumulator: the exact energy never leaves the simulator
    expect(run(psu, ':MEAS:ENER? CH1')).toEqual([undefined]);
    expect(errors(psu)[0]).toMatch(/^-113/);
    // the reading log: 0.5 s at ~20 readings/s, then empty; at most <max> per reply
    const log = run(psu, ':SIM:READ? CH1,3')[0]!.split(',');
    expect(log).toEqual(['3', '3.300', '0.0200', '3.300', '0.0200', '3.300', '0.0200']);
    expect(Number(run(psu, ':SIM:READ? CH1')[0]!.split(',')[0])).toBeGreaterThan(3);
    expect(run(psu, ':SIM:READ? CH1')).toEqual(['0']);
    run(psu, ':SIM:READ? CH1,0');
    expect(errors(psu)[0]).toMatch(/^-222/);
    run(psu, ':OUTP:STAT CH1,OFF');
    expect(run(psu, ':OUTP? CH1')).toEqual(['OFF']);
  });

  it('executes ;-separated commands in order and joins the replies', () => {
    const psu = new SimPsu();
    expect(run(psu, ':SOUR1:VOLT 4;:SOUR1:VOLT?;VOLT 5;:SOUR1:VOLT?;*IDN?')).toEqual(['4.000;5.000;RIGOL TECHNOLOGIES,DP832,DP8SIM0001,00.01.16']);
  });

  it('puts out-of-range setpoints in the error queue as -222 and stops the line there', () => {
    const psu = new SimPsu();
    run(psu, ':SOUR3:VOLT 5;:SOUR3:VOLT 12;:OUTP CH3,ON');
    expect(psu.channel(3).setpoint()).toEqual({ voltageV: 5, currentLimitA: 3, outputOn: false });
    expect(run(psu, 'SYST:ERR?', 'SYST:ERR?')).toEqual(['-222,"Data out of range"', '0,"No error"']);
    run(psu, ':APPL CH1,5,9');
    expect(psu.channel(1).setpoint().voltageV).toBe(0);
    expect(errors(psu)).toEqual(['-222,"Data out of range"']);
  });

  it('queues -113 for unknown headers and keeps working', () => {
    const psu = new SimPsu();
    expect(run(psu, ':FOO:BAR 1', 'VOLT:BOGUS?', '*XYZ', ':SOUR:VOLT:LEV:AMPL 1', '*IDN?')).toEqual([undefined, undefined, undefined, undefined, expect.stringContaining('DP832')]);
    expect(errors(psu)).toEqual(['-113,"Undefined header"', '-113,"Undefined header"', '-113,"Undefined header"', '-113,"Undefined header"']);
  });

  it('answers SYST:BEEP:STAT?, accepts SYST:REMOTE and *RST', () => {
    const psu = new SimPsu();
    run(psu, ':APPL CH2,12,1', ':OUTP CH2,ON', ':INST:NSEL 3', 'SYST:REMOTE', '*RST');
    expect(psu.channel(2).setpoint()).toEqual({ voltageV: 0, currentLimitA: 3, outputOn: false });
    expect(run(psu, ':INST:NSEL?', 'SYST:BEEP:STAT?', ':SYST:BEEP OFF;:SYST:BEEP:STAT?')).toEqual(['1', 'ON', 'OFF']);
    expect(errors(psu)).toEqual([]);
  });
});

describe('ScpiInterpreter protection (OVP/OCP) and mode', () => {
  it('programs, queries and trips OVP; the output stays off until cleared', () => {
    const psu = new SimPsu();
    run(psu, ':OUTP:OVP:VAL CH1,3.6', ':OUTP:OVP CH1,ON', ':OUTP:OCP CH1,0.2;:OUTP:OCP:STAT CH1,ON', ':APPL CH1,3.3,0.5', ':OUTP CH1,ON');
    expect(run(psu, ':OUTP:OVP:VAL? CH1', ':OUTP:OVP? CH1', ':OUTP:OCP:VAL? CH1', ':OUTP:OVP:QUES? CH1', ':OUTP:MODE? CH1')).toEqual(['3.600', 'ON', '0.200', 'NO', 'CV']);
    psu.channel(1).delivered({ durationS: 0.1, currentA: 0.5, voltageV: 3.3, energyJ: 0.165 });
    expect(run(psu, ':OUTP:OCP:QUES? CH1', ':OUTP? CH1')).toEqual(['YES', 'OFF']);
    run(psu, ':OUTP CH1,ON');
    expect(run(psu, ':OUTP? CH1')).toEqual(['OFF']);
    run(psu, ':OUTP:OCP:CLE CH1', ':OUTP CH1,ON');
    expect(run(psu, ':OUTP? CH1')).toEqual(['ON']);
    run(psu, ':SOUR1:VOLT 5');
    expect(run(psu, ':OUTP:OVP:QUES? CH1', ':OUTP? CH1')).toEqual(['YES', 'OFF']);
    expect(errors(psu)).toEqual([]);
  });

  it('reports CC mode when the load draws the current limit', () => {
    const psu = new SimPsu();
    run(psu, ':APPL CH2,3.3,0.01', ':OUTP CH2,ON');
    psu.channel(2).delivered({ durationS: 0.1, currentA: 0.01, voltageV: 2.9, energyJ: 0.0029 });
    expect(run(psu, ':OUTP:MODE? CH2')).toEqual(['CC']);
  });

  it('refuses protection thresholds beyond the range with -222', () => {
    const psu = new SimPsu();
    run(psu, ':OUTP:OVP:VAL CH3,40');
    expect(errors(psu)).toEqual(['-222,"Data out of range"']);
  });
});

describe('serveScpi', () => {
  let psu: SimPsu;
  let server: RunningScpiServer;
  beforeEach(async () => {
    psu = new SimPsu();
    server = await serveScpi(psu, { host: '127.0.0.1', port: 0 });
  });
  afterEach(() => server.close());

  /** Sends raw bytes, then collects reply lines until `expectLines` arrived. */
  function exchange(payload: string | Buffer, expectLines: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const s = connect(server.port, '127.0.0.1');
      let text = '';
      s.on('data', (d) => {
        text += d.toString('latin1');
        const lines = text.split('\n');
        if (lines.length - 1 >= expectLines) {
          s.destroy();
          resolve(lines.slice(0, expectLines));
        }
      });
      s.on('error', reject);
      s.on('connect', () => s.write(payload));
    });
  }

  it('serves SCPI over TCP', async () => {
    expect(await exchange('*IDN?\r\n:APPL CH1,3.3,0.2\n:SOUR1:CURR?\n', 2)).toEqual(['RIGOL TECHNOLOGIES,DP832,DP8SIM0001,00.01.16', '0.2000']);
  });

  it('survives garbage: binary junk, overlong lines, half lines and abrupt hang-ups', async () => {
    const junk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256).filter((b) => b !== 10));
    expect(await exchange(Buffer.concat([junk, Buffer.from('\n*IDN?\n')]), 1)).toEqual([expect.stringContaining('DP832')]);
    expect(await exchange(`${'A'.repeat(1500)};*IDN?\n*OPC?\n`, 1)).toEqual(['1']);
    const half = connect(server.port, '127.0.0.1');
    await new Promise((r) => half.on('connect', r));
    half.write(':SOUR1:VO');
    half.resetAndDestroy();
    expect(await exchange('"unterminated;\n\u0000\u00ff?;;\n:OUTP CH9,ON\n*IDN?\n', 1)).toEqual([expect.stringContaining('DP832')]);
    const errs = await exchange('SYST:ERR?\nSYST:ERR?\nSYST:ERR?\nSYST:ERR?\nSYST:ERR?\nSYST:ERR?\n', 6);
    expect(errs).toContain('-113,"Undefined header"');
    expect(errs).toContain('-363,"Input buffer overrun"');
    expect(errs).toContain('-224,"Illegal parameter value"');
    expect(errs.at(-1)).toBe('0,"No error"');
    expect(psu.channel(1).setpoint().outputOn).toBe(false);
  });
});
