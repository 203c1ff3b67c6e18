/**
 * Builds and runs the generated C on the host, for the bit-exact tests and the instruction-count
 * benchmark. Compiles with the flags the issue asks for (-std=c99 -Wall -Werror) plus -O2.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EveError } from '../errors/eve-error.js';
import type { CSources } from './generate-c.js';

export const C_FLAGS = ['-std=c99', '-Wall', '-Werror', '-O2'];

/** Writes the sources into `dir` and compiles the host harness; returns the executable's path. */
export function buildHostHarness(sources: CSources, dir: string, extraFlags: string[] = [], cc = 'gcc'): string {
  for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, name), text);
  const exe = join(dir, 'eve_host');
  try {
    execFileSync(cc, [...C_FLAGS, ...extraFlags, '-o', exe, join(dir, 'eve_model.c'), join(dir, 'eve_host_main.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new EveError('EXPORT_C_COMPILE', `${cc} rejected the generated C: ${String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 2000)}`, { cause: e });
  }
  return exe;
}

/** Runs `inputs` (concatenated input vectors) through mode `mode`; returns the concatenated int8 logits. */
export function runHostHarness(exe: string, mode: number, inputs: Uint8Array, wrapper: string[] = []): Int8Array {
  const [cmd, ...args] = [...wrapper, exe, String(mode)];
  const out = execFileSync(cmd!, args, { input: inputs, maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Int8Array(out.buffer, out.byteOffset, out.byteLength);
}
