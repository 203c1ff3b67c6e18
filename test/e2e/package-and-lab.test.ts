import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomSpec, writePackage } from '@eve-bench/device-agent';
import { ScpiSession, TcpTransport, parseBenchConfig, parseTransportUrl } from '@eve-bench/bench-controller';
import { eveBin, runEve } from '../src/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'eve-pkg-'));

describe('eve package inspect', () => {
  it('prints modes, layers and sizes of a valid package', async () => {
    const file = join(tmp, 'ok.eve');
    writeFileSync(file, writePackage(randomSpec(1, [40, 20, 10])));
    const r = await runEve(['package', 'inspect', file], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\.eve v1 'random-mlp'/);
    expect(r.stdout).toMatch(/^0\s+high\s+\d+/m);
    expect(r.stdout).toMatch(/^2\s+low\s+\d+/m);
    expect(r.stdout).toMatch(/dense\s+rowPrefixSparse\s+20x40/);
  });

  it('a truncated or corrupted package gets one line and a non-zero exit', async () => {
    const good = writePackage(randomSpec(2, [40, 20, 10]));
    const file = join(tmp, 'bad.eve');
    writeFileSync(file, good.subarray(0, 100));
    const r = await runEve(['package', 'inspect', file], 30_000);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/\[PKG_/);
  });
});

describe('eve lab up', () => {
  it('serves the simulated supply and boards until SIGTERM, and prints a valid bench config', async () => {
    const child = spawn(process.execPath, [eveBin, 'lab', 'up'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lab up printed no config: ${out}`)), 20_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (/supply: \{ id: sim-dp832, channel: 2 \}/.test(out)) { clearTimeout(timer); resolve(); }
      });
    });
    try {
      const config = parseBenchConfig(out, 'lab up output');
      expect(config.boards).toHaveLength(2);
      const t = parseTransportUrl(config.supplies[0]!.transport);
      if (t.kind !== 'tcp') throw new Error('expected tcp');
      const transport = new TcpTransport(t.host, t.port, { connectTimeoutMs: 2000 });
      await transport.open();
      const scpi = new ScpiSession(transport, { timeoutMs: 2000 });
      expect((await scpi.identify()).model).toBe('DP832');
      await scpi.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/virtual lab down/);
  }, 40_000);
});
