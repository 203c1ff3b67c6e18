import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEve } from '../src/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'eve-cli-'));

/** A bad invocation must end in exactly one line on stderr and a non-zero exit code. */
async function expectOneLineError(args: string[], pattern: RegExp) {
  const r = await runEve(args, 30_000);
  expect(r.timedOut).toBe(false);
  expect(r.code).not.toBe(0);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('(run eve --help'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('eve CLI: bad input gets one clear line and a non-zero exit', () => {
  it('unknown command', () => expectOneLineError(['frobnicate'], /unknown command 'frobnicate'/));
  it('unknown option', () => expectOneLineError(['demo', '--fast'], /unknown option '--fast'/));
  it('non-numeric seed', () => expectOneLineError(['demo', '--seed', 'abc'], /--seed must be a whole number, got 'abc'/));
  it('seed out of range', () => expectOneLineError(['demo', '--seed', '-4'], /--seed must be between 0 and/));
  it('--out under a regular file', () => {
    const file = join(tmp, 'plain-file');
    writeFileSync(file, 'x');
    return expectOneLineError(['demo', '--quick', '--out', join(file, 'sub')], /cannot write to --out .*plain-file\/sub \(ENOTDIR\)/);
  });
  it('missing config file', () => expectOneLineError(['demo', '--out', join(tmp, 'o1'), '--config', join(tmp, 'nope.yaml')], /cannot read config .*nope.yaml: ENOENT/));
  it('invalid config file names the field', () => {
    const cfg = join(tmp, 'bad.yaml');
    writeFileSync(cfg, 'bench: lab-a\nsupplies:\n  - id: psu1\n    transport: ftp://x\n    limits: {}\n');
    return expectOneLineError(['demo', '--out', join(tmp, 'o2'), '--config', cfg], /bad.yaml: supplies.0.transport: a transport URL/);
  });
});
