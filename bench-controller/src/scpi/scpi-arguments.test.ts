import { describe, expect, it } from 'vitest';
import { parseScpiNumber, scpiEnum, scpiInteger, scpiNumber } from './scpi-arguments.js';

const v = { min: 0, max: 32, decimals: 3 };
const refused = (fn: () => unknown) => expect(fn).toThrow(expect.objectContaining({ code: 'SCPI_BAD_ARGUMENT' }));

describe('scpiNumber', () => {
  it('formats fixed-point, no exponent', () => {
    expect(scpiNumber(3.3, v)).toBe('3.300');
    expect(scpiNumber(1e-7, v)).toBe('0.000');
    expect(scpiNumber(32, v)).toBe('32.000');
    expect(scpiNumber(0.05, { min: 0, max: 3.2, decimals: 4 })).toBe('0.0500');
    expect(scpiNumber(-0.0001, { min: -1, max: 1, decimals: 3 })).toBe('0.000');
  });

  it('refuses NaN, infinities and out-of-range values', () => {
    refused(() => scpiNumber(Number.NaN, v));
    refused(() => scpiNumber(Infinity, v));
    refused(() => scpiNumber(32.001, v));
    refused(() => scpiNumber(-0.5, v));
    refused(() => scpiNumber(3.6, { min: 0, max: 3.5, decimals: 0 }));
  });

  it('refuses strings, whatever they contain (injection)', () => {
    for (const s of ['3.3;:OUTP CH1,ON', '3.3\n*RST', '"3.3"', "3'", '3.3']) refused(() => scpiNumber(s as unknown as number, v));
  });

  it('scpiInteger refuses fractions', () => {
    expect(scpiInteger(2, { min: 1, max: 3 })).toBe('2');
    refused(() => scpiInteger(2.5, { min: 1, max: 3 }));
  });
});

describe('scpiEnum', () => {
  it('accepts a listed keyword case-insensitively and sends the listed spelling', () => {
    expect(scpiEnum('on' as 'ON', ['ON', 'OFF'])).toBe('ON');
  });

  it('refuses anything else, including smuggling attempts', () => {
    for (const s of ['ON;*RST', 'ON\n', '"ON"', 'MAYBE', '']) refused(() => scpiEnum(s as 'ON', ['ON', 'OFF']));
    refused(() => scpiEnum('A;B' as 'A;B', ['A;B']));
  });
});

describe('parseScpiNumber', () => {
  it('parses plain and exponent forms', () => {
    expect(parseScpiNumber('MEAS?', '3.300')).toBe(3.3);
    expect(parseScpiNumber('MEAS?', ' +1.2E-3\r')).toBe(0.0012);
  });

  it('rejects empty, non-numeric and 9.9E37 replies as SCPI_BAD_REPLY naming command and reply', () => {
    for (const r of ['', 'abc', '1.2.3', '9.91E37', '0x10']) {
      expect(() => parseScpiNumber(':MEAS:VOLT? CH1', r)).toThrow(expect.objectContaining({ code: 'SCPI_BAD_REPLY', message: expect.stringContaining(':MEAS:VOLT? CH1') }));
    }
  });
});
