import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetStore, defaultVirtualBoards, startVirtualLab, type VirtualLab } from '@eve-bench/bench-controller';
import { runEve } from '../src/run-cli.js';

/**
 * `eve bench` as a user runs it: the virtual lab started in-test, an inventory file wiring its two
 * boards and one silent board (a TCP port that accepts and never answers: a hung UART bridge) to
 * the simulated DP832, and the built CLI in child processes sharing one state database.
 */
let lab: VirtualLab;
let silent: Server;
let dir: string;
let inventory: string;

const bench = (args: string[]) => runEve(['bench', ...args, '--inventory', inventory], 30_000);
const oneLine = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '');

beforeAll(async () => {
  lab = await startVirtualLab({ host: '127.0.0.1', boards: defaultVirtualBoards() });
  silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const silentPort = (silent.address() as { port: number }).port;
  dir = mkdtempSync(join(tmpdir(), 'eve-fleet-e2e-'));
  inventory = join(dir, 'fleet.yaml');
  writeFileSync(inventory, [
    'bench: e2e-lab',
    'quarantineAfter: 2',
    'supplies:',
    '  - { id: dp832, model: DP832, transport: "' + lab.psuUrl + '", limits: { "1": { maxVoltageV: 3.6, maxCurrentA: 0.05 }, "2": { maxVoltageV: 3.6, maxCurrentA: 0.05 }, "3": { maxVoltageV: 3.6, maxCurrentA: 0.05 } } }',
    'boards:',
    ...lab.boards.map((b) => `  - { id: ${b.spec.id}, transport: "${b.url}", profile: ${b.spec.profile}, supply: { id: dp832, channel: ${b.spec.channel} } }`),
    `  - { id: hung-1, transport: "tcp://127.0.0.1:${silentPort}", profile: msp430fr5994, supply: { id: dp832, channel: 3 } }`,
  ].join('\n'));
}, 60_000);

afterAll(async () => {
  await lab?.close();
  silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('eve bench', () => {
  it('lists the boards, where they are and that they are free', async () => {
    const r = await bench(['list', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ board: string; address: { url: string }; quarantined: boolean; lease?: unknown }>;
    expect(rows.map((x) => x.board)).toEqual(['vboard-1', 'vboard-2', 'hung-1']);
    expect(rows[0]!.address.url).toBe(lab.boards[0]!.url);
    expect(rows.every((x) => !x.quarantined && x.lease === undefined)).toBe(true);
  });

  it('health: the virtual boards answer, the silent one is timed out, power-cycled, and quarantined on its second failure', async () => {
    const events = join(dir, 'events.jsonl');
    const first = await bench(['health', '--json', '--timeout', '300', '--off', '10', '--boot', '10', '--events', events]);
    expect(first.code).toBe(1);
    expect(oneLine(first.stderr)).toEqual(['eve: 1 of 3 board(s) unhealthy: hung-1 failed [FLEET_UNHEALTHY]']);
    const reports = JSON.parse(first.stdout) as Array<{ board: string; outcome: string; powerCycles: number; detail: string }>;
    expect(reports.map((x) => `${x.board} ${x.outcome}`)).toEqual(['vboard-1 healthy', 'vboard-2 healthy', 'hung-1 failed']);
    expect(reports[2]!.powerCycles).toBe(1);
    expect(reports[2]!.detail).toMatch(/no answer to ping within 300 ms/);
    const published = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { topic: string; payload: { kind: string } });
    expect(published.map((m) => `${m.topic} ${m.payload.kind}`)).toEqual(['eve/v1/e2e-lab/hung-1/event timeout', 'eve/v1/e2e-lab/hung-1/event powerCycle']);
    const second = await bench(['health', 'hung-1', '--json', '--timeout', '300', '--off', '10', '--boot', '10']);
    expect(JSON.parse(second.stdout)).toMatchObject([{ board: 'hung-1', outcome: 'quarantined', consecutiveFailures: 2 }]);
    // Visible to everyone, refused for leases, released only explicitly.
    const table = (await bench(['list'])).stdout.split('\n');
    expect(table[0]).toMatch(/^board\s+protocol\s+profile\s+supply\s+address\s+health\s+lease$/);
    expect(table.find((l) => l.startsWith('hung-1'))).toMatch(/QUARANTINED \(.*no answer to ping within 300 ms.*\)\s+free$/);
    expect(oneLine((await bench(['lease', 'hung-1'])).stderr)[0]).toMatch(/board hung-1 is quarantined .*\[BOARD_QUARANTINED\]$/);
    expect((await bench(['release', 'hung-1', '--quarantine'])).code).toBe(0);
    expect(new FleetStore(join(dir, 'fleet-state.sqlite')).health('hung-1').quarantined).toBe(false);
  });

  it('two processes racing for one board: exactly one gets the lease', async () => {
    const racers = await Promise.all(['alice', 'bob'].map((h) => bench(['lease', 'vboard-2', '--holder', h, '--ttl', '60', '--json'])));
    const winners = racers.filter((r) => r.code === 0);
    expect(winners).toHaveLength(1);
    for (const loser of racers.filter((r) => r.code !== 0)) expect(oneLine(loser.stderr)[0]).toMatch(/^eve: board vboard-2 is leased by \w+ until .*\[LEASE_HELD\]$/);
    const lease = JSON.parse(winners[0]!.stdout) as { holder: string; token: string };
    expect(oneLine((await bench(['release', 'vboard-2', '--token', 'wrong'])).stderr)).toEqual(['eve: board vboard-2: no lease with this token [LEASE_NOT_HELD]']);
    expect((await bench(['release', 'vboard-2', '--token', lease.token])).stdout).toBe('released lease on vboard-2\n');
  });

  it('a bad inventory is one line naming the field', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'supplies: []\nboards:\n  - { id: b1, transport: "tcp://127.0.0.1:1", profile: stm32l476-m4f, supply: { id: psu9, channel: 1 } }\n');
    const r = await runEve(['bench', 'list', '--inventory', bad], 30_000);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toEqual([`eve: ${bad}: boards.0.supply.id: no supply with id 'psu9' [CONFIG_INVALID]`]);
  });
});
