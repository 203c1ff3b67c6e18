import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { EveError } from '@eve-bench/device-agent';
import { realTimers } from '../boards/waitress.js';
import { loadInventory, type Inventory } from '../fleet/inventory.js';
import { FleetStore } from '../fleet/fleet-store.js';
import { NodeUsbScanner } from '../fleet/node-usb-scanner.js';
import { checkFleet, findBoard, listFleet, type FleetRow } from '../fleet/fleet.js';
import type { HealthReport } from '../fleet/health-check.js';
import { FileTelemetrySink, MqttTelemetrySink, TeeSink, type TelemetrySink } from '../telemetry/sink.js';
import { parseIntArg } from './args.js';

interface Common { inventory: string; state?: string; json?: boolean }

/** Fixed-width columns: the human view of every `eve bench` answer. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function listTable(rows: FleetRow[]): string {
  return table(['board', 'protocol', 'profile', 'supply', 'address', 'health', 'lease'], rows.map((r) => [
    r.board, r.protocol, r.profile, r.supply,
    r.address.url ? `${r.address.url}${r.address.probe ? ` (${r.address.probe})` : ''}` : `unavailable: ${r.address.problem}`,
    r.quarantined ? `QUARANTINED (${r.reason ?? '?'})` : r.consecutiveFailures ? `${r.consecutiveFailures} failed check(s)` : 'ok',
    r.lease ? `${r.lease.holder} until ${iso(r.lease.expiresAt)}` : 'free',
  ]));
}

function healthTable(reports: HealthReport[]): string {
  return table(['board', 'outcome', 'failures', 'power-cycles', 'detail'], reports.map((r) => [
    r.board, r.outcome, String(r.consecutiveFailures), String(r.powerCycles), r.detail,
  ]));
}

async function withFleet<T>(o: Common, fn: (inv: Inventory, store: FleetStore) => Promise<T>): Promise<T> {
  const inv = await loadInventory(o.inventory);
  // Beside the inventory by default, so every user of one inventory shares leases and quarantine.
  const store = new FleetStore(o.state ?? join(dirname(o.inventory), 'fleet-state.sqlite'));
  try {
    return await fn(inv, store);
  } finally {
    store.close();
  }
}

/** Fleet events go to the inventory's MQTT broker, if it names one, and to --events FILE (JSONL). */
async function openEventSink(inv: Inventory, eventsFile: string | undefined): Promise<TelemetrySink | undefined> {
  const sinks: TelemetrySink[] = [];
  if (eventsFile) sinks.push(new FileTelemetrySink(eventsFile, inv.bench));
  if (inv.mqtt) {
    const m = inv.mqtt;
    sinks.push(await MqttTelemetrySink.connect({
      url: m.url, bench: inv.bench, protocolVersion: m.protocolVersion,
      ...(m.username ? { username: m.username } : {}), ...(m.password ? { password: m.password } : {}),
      ...(m.caFile ? { ca: await readFile(m.caFile) } : {}),
    }));
  }
  return sinks.length === 0 ? undefined : sinks.length === 1 ? sinks[0] : new TeeSink(sinks);
}

const print = (json: boolean | undefined, data: unknown, human: string) => process.stdout.write(`${json ? JSON.stringify(data, null, 2) : human}\n`);

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('the fleet: boards in an inventory file, their health, quarantine and leases');
  const common = (c: Command) => c
    .requiredOption('--inventory <file>', 'fleet inventory (YAML or JSON; see examples/fleet-inventory.yaml)')
    .option('--state <file>', 'fleet state database (SQLite; default: fleet-state.sqlite beside the inventory)')
    .option('--json', 'machine-readable output');

  common(bench.command('list').description('boards, where they are reached, health and leases'))
    .action((o: Common) => withFleet(o, async (inv, store) => {
      const rows = await listFleet(inv, store, new NodeUsbScanner());
      print(o.json, rows, listTable(rows));
    }));

  common(bench.command('health [boards...]').description('ping boards (all by default); power-cycle silent ones, quarantine repeat offenders'))
    .option('--timeout <ms>', 'ping timeout', parseIntArg('--timeout', 10, 600_000), 2000)
    .option('--off <ms>', 'how long a power-cycle keeps the rail off', parseIntArg('--off', 0, 600_000), 500)
    .option('--boot <ms>', 'how long a board takes to boot after power-on', parseIntArg('--boot', 0, 600_000), 200)
    .option('--verbose', 'print every board state transition on stderr')
    .option('--events <file>', 'also append the fleet events (timeout, fault, powerCycle, quarantine) to this JSONL file')
    .action((ids: string[], o: Common & { timeout: number; off: number; boot: number; verbose?: boolean; events?: string }) => withFleet(o, async (inv, store) => {
      const sink = await openEventSink(inv, o.events);
      let reports: HealthReport[];
      try {
        reports = await checkFleet(inv, ids, {
          store, scanner: new NodeUsbScanner(), timers: realTimers, pingTimeoutMs: o.timeout, offMs: o.off, bootMs: o.boot,
          ...(sink ? { sink } : {}),
          log: (l) => { if (o.verbose || l.startsWith('warning')) process.stderr.write(`${l}\n`); },
        });
      } finally {
        await sink?.close();
      }
      print(o.json, reports, healthTable(reports));
      const bad = reports.filter((r) => r.outcome === 'failed' || r.outcome === 'quarantined');
      if (bad.length) throw new EveError('FLEET_UNHEALTHY', `${bad.length} of ${reports.length} board(s) unhealthy: ${bad.map((r) => `${r.board} ${r.outcome}`).join(', ')}`);
    }));

  common(bench.command('lease <board>').description('take a board for a while; prints the token that renews or releases it'))
    .option('--ttl <seconds>', 'lease duration', parseIntArg('--ttl', 1, 7 * 24 * 3600), 3600)
    .option('--holder <name>', 'who holds it (default user@host)')
    .addOption(new Option('--renew <token>', 'extend a lease you hold instead of taking a new one'))
    .action((board: string, o: Common & { ttl: number; holder?: string; renew?: string }) => withFleet(o, async (inv, store) => {
      findBoard(inv, board);
      const lease = o.renew ? store.renew(board, o.renew, o.ttl * 1000) : store.acquire(board, o.holder ?? `${userInfo().username}@${hostname()}`, o.ttl * 1000);
      print(o.json, lease, `${o.renew ? 'renewed' : 'leased'} ${board} to ${lease.holder} until ${iso(lease.expiresAt)}; token ${lease.token}`);
    }));

  common(bench.command('release <board>').description('end a lease (with its token), or take a board out of quarantine'))
    .option('--token <token>', 'the token `eve bench lease` printed')
    .option('--quarantine', 'release the board from quarantine (its failure count starts again)')
    .action((board: string, o: Common & { token?: string; quarantine?: boolean }) => withFleet(o, async (inv, store) => {
      findBoard(inv, board);
      if (!!o.token === !!o.quarantine) throw new EveError('CLI_USAGE', 'give exactly one of --token TOKEN or --quarantine');
      if (o.quarantine) store.releaseQuarantine(board);
      else store.release(board, o.token!);
      print(o.json, { board, released: o.quarantine ? 'quarantine' : 'lease' }, `released ${o.quarantine ? 'quarantine of' : 'lease on'} ${board}`);
    }));
}
