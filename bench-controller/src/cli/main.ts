#!/usr/bin/env node
/**
 * The `eve` command: the composition root of EVE bench. Each subcommand parses and validates its
 * arguments here, then hands typed options to a module that does the work. Any failure ends in
 * one line on stderr and a non-zero exit code; nothing prints a stack trace at the user.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { isEveError } from '@eve-bench/device-agent';
import { registerAgent } from './agent-command.js';
import { registerBench } from './bench-command.js';
import { registerDemo } from './demo-command.js';
import { registerLab } from './lab-command.js';
import { registerPackage } from './package-command.js';
import { registerTelemetry } from './telemetry-command.js';
import { registerSearch } from './search-command.js';

export function buildProgram(): Command {
  const program = new Command('eve')
    .description('EVE bench: shared-weight multi-mode models for energy-harvesting boards, measured in the loop')
    .version('0.1.0')
    .showHelpAfterError('(run eve --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'eve: ')) });
  registerDemo(program);
  registerBench(program);
  registerLab(program);
  registerPackage(program);
  registerAgent(program);
  registerTelemetry(program);
  registerSearch(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and --version exit through here with code 0; commander already printed the message
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isEveError(e)) {
      process.stderr.write(`eve: ${e.message} [${e.code}]\n`);
      return 1;
    }
    process.stderr.write(`eve: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

// Run only when executed (directly or through the npm bin link), not when imported by tests.
const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isEntry) {
  // Every resource is closed on the way out; exiting explicitly still guarantees that a stray
  // handle in a third-party library can never keep a finished (or failed) command hanging.
  main(process.argv).then((code) => process.exit(code));
}
