import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultVirtualBoards, startEmbeddedBroker, startVirtualLab, type EmbeddedBroker, type VirtualLab } from '@eve-bench/bench-controller';
import { runEve } from '../src/run-cli.js';

/**
 * The "real bench" path: a config file names instruments, boards and a broker by address, and
 * `eve demo --config` reaches them only through those addresses. Here they are the virtual lab
 * and an MQTT broker running in this test process, i.e. on the other side of loopback sockets.
 */
let lab: VirtualLab;
let broker: EmbeddedBroker;

beforeAll(async () => {
  lab = await startVirtualLab({ host: '127.0.0.1', boards: defaultVirtualBoards() });
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await lab?.close();
  await broker?.close();
});

describe('eve demo --config: instruments, boards and broker named by address', () => {
  it('runs against them and leaves every supply output off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eve-cfg-'));
    const cfg = join(dir, 'bench.yaml');
    writeFileSync(cfg, [
      'bench: test-bench',
      `mqtt: { url: "${broker.url}", protocolVersion: 4 }`,
      'supplies:',
      `  - id: psu1`,
      `    transport: ${lab.psuUrl}`,
      '    limits: { "1": { maxVoltageV: 3.6, maxCurrentA: 0.05 }, "2": { maxVoltageV: 3.6, maxCurrentA: 0.05 } }',
      'boards:',
      ...lab.boards.flatMap((b) => [
        `  - id: ${b.spec.id}`,
        `    transport: ${b.url}`,
        '    profile: stm32l476-m4f',
        `    supply: { id: psu1, channel: ${b.spec.channel} }`,
      ]),
    ].join('\n'));
    const out = join(dir, 'out');
    const r = await runEve(['demo', '--quick', '--config', cfg, '--out', out], 180_000);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Connect to the bench named in the config/);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.search.costSource).toBe('hardware'); // the bench cannot know these boards are simulated
    expect(result.modes.length).toBe(3);
    expect(result.modes[0].truth).toBeUndefined();
    expect(result.telemetry.stored).toBe(result.telemetry.published);
    for (const ch of [1, 2]) expect(lab.psu.channel(ch).setpoint().outputOn).toBe(false);
    // and the boards really ran the package: their own counters saw every window's inferences
    expect(lab.boards.every((b) => b.board.readCounters().inferences > 0)).toBe(true);
  }, 200_000);
});
