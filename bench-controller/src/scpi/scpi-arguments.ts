/**
 * Argument formatting and reply parsing for SCPI. Every value that goes on the wire is
 * validated *before* a byte is sent: a NaN, an out-of-range setpoint or a string carrying
 * `;`, a newline or a quote (which could smuggle a second command to a power supply) is refused.
 */
import { EveError } from '@eve-bench/device-agent';

export interface ScpiNumberOptions {
  min: number;
  max: number;
  /** Digits after the decimal point on the wire (0-12). */
  decimals: number;
}

function badArgument(message: string): EveError {
  return new EveError('SCPI_BAD_ARGUMENT', message);
}

/** A decimal number in [min, max], fixed-point with `decimals` digits (no exponent, no locale). */
export function scpiNumber(value: number, options: ScpiNumberOptions): string {
  const { min, max, decimals } = options;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12) throw badArgument(`decimals must be an integer 0-12, got ${decimals}`);
  if (typeof value !== 'number') throw badArgument(`expected a number, got ${typeof value} ${JSON.stringify(String(value)).slice(0, 40)}`);
  if (!Number.isFinite(value)) throw badArgument(`expected a finite number, got ${value}`);
  if (value < min || value > max) throw badArgument(`${value} is outside ${min}..${max}`);
  const text = value.toFixed(decimals);
  // Rounding can push a value just inside the range over its edge (max 3.2, value 3.2004 with 3 decimals is fine; 0 decimals of 3.6 is 4).
  const rounded = Number(text);
  if (rounded < min || rounded > max) throw badArgument(`${value} rounds to ${text}, outside ${min}..${max}`);
  return text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

/** An integer in [min, max]. */
export function scpiInteger(value: number, options: { min: number; max: number }): string {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badArgument(`expected an integer, got ${String(value).slice(0, 40)}`);
  return scpiNumber(value, { ...options, decimals: 0 });
}

const MNEMONIC = /^[A-Za-z][A-Za-z0-9_]*$/;

/** One of a fixed set of keywords (e.g. ON/OFF, CH1). Compared case-insensitively, sent as listed. */
export function scpiEnum<T extends string>(value: T, allowed: readonly T[]): T {
  for (const a of allowed) {
    if (!MNEMONIC.test(a)) throw badArgument(`enum keyword ${JSON.stringify(a)} is not a plain SCPI mnemonic`);
  }
  if (typeof value !== 'string') throw badArgument(`expected one of ${allowed.join('|')}, got ${typeof value}`);
  const hit = allowed.find((a) => a.toUpperCase() === value.toUpperCase());
  if (hit === undefined) throw badArgument(`${JSON.stringify(value.slice(0, 40))} is not one of ${allowed.join('|')}`);
  return hit;
}

/** Refuses a raw command that would be split into two on the wire or break framing. */
export function assertSingleLine(command: string): void {
  if (typeof command !== 'string' || command.length === 0) throw badArgument('empty SCPI command');
  if (/[\r\n\0]/.test(command)) throw badArgument(`SCPI command contains a line break or NUL: ${JSON.stringify(command.slice(0, 60))}`);
}

const NUMERIC_REPLY = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A numeric reply; empty, non-numeric, or SCPI's 9.9E37 "not a number" become SCPI_BAD_REPLY. */
export function parseScpiNumber(command: string, reply: string): number {
  const text = reply.trim();
  const value = NUMERIC_REPLY.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || Math.abs(value) >= 9.9e37) {
    throw new EveError('SCPI_BAD_REPLY', `'${command}' answered ${JSON.stringify(reply.slice(0, 80))}, expected a number`);
  }
  return value;
}
