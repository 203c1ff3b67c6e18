/**
 * The fleet as `eve bench` sees it: the inventory, the shared FleetStore, and boards resolved to
 * the addresses they are reached at (a transport URL, or a USB match turned into a stable serial
 * port). Listing never touches the hardware beyond USB enumeration; health checks connect the
 * supplies through the production path (transport, SCPI, driver, safety limits).
 */
import { EveError, isEveError } from '@eve-bench/device-agent';
import { createTransport } from '../transport/transport-url.js';
import { ScpiSession } from '../scpi/scpi-session.js';
import { openPowerSupply } from '../instruments/psu/open-power-supply.js';
import { SafePowerSupply } from '../instruments/psu/safe-power-supply.js';
import type { Timers } from '../boards/waitress.js';
import type { TelemetrySink } from '../telemetry/sink.js';
import type { Inventory, InventoryBoard } from './inventory.js';
import { resolveUsbBoard, type UsbDevice, type UsbScanner } from './usb-discovery.js';
import type { FleetStore, Lease } from './fleet-store.js';
import { BoardLifecycle } from './board-lifecycle.js';
import { openBoardLink } from './board-link.js';
import { HealthChecker, type HealthReport } from './health-check.js';

export interface BoardAddress {
  url?: string;
  /** Why the board could not be located (USB device missing, ambiguous...). */
  problem?: string;
  probe?: string;
}

export interface FleetRow {
  board: string;
  protocol: string;
  profile: string;
  supply: string;
  address: BoardAddress;
  quarantined: boolean;
  consecutiveFailures: number;
  reason?: string;
  lease?: Omit<Lease, 'token'>;
}

/** Resolves every board's address; USB is enumerated once, and only if some board needs it. */
export async function locateBoards(inv: Inventory, scanner: UsbScanner): Promise<Map<string, BoardAddress>> {
  let devices: UsbDevice[] | EveError | undefined;
  const out = new Map<string, BoardAddress>();
  for (const b of inv.boards) {
    if (b.transport) {
      out.set(b.id, { url: b.transport });
      continue;
    }
    if (devices === undefined) {
      devices = await scanner.list().catch((e: unknown) => (isEveError(e) ? e : new EveError('USB_UNAVAILABLE', `cannot enumerate USB devices: ${(e as Error).message}`, { cause: e })));
    }
    if (devices instanceof EveError) {
      out.set(b.id, { problem: devices.message });
      continue;
    }
    try {
      const r = resolveUsbBoard(b.id, b.usb!, devices);
      out.set(b.id, { url: r.url, ...(r.probe ? { probe: r.probe } : {}) });
    } catch (e) {
      out.set(b.id, { problem: (e as Error).message });
    }
  }
  return out;
}

export async function listFleet(inv: Inventory, store: FleetStore, scanner: UsbScanner): Promise<FleetRow[]> {
  const where = await locateBoards(inv, scanner);
  return inv.boards.map((b) => {
    const h = store.health(b.id);
    const lease = store.lease(b.id);
    return {
      board: b.id,
      protocol: b.protocol,
      profile: b.profile,
      supply: `${b.supply.id}/${b.supply.channel}`,
      address: where.get(b.id)!,
      quarantined: h.quarantined,
      consecutiveFailures: h.consecutiveFailures,
      ...(h.reason ? { reason: h.reason } : {}),
      ...(lease ? { lease: { board: lease.board, holder: lease.holder, acquiredAt: lease.acquiredAt, expiresAt: lease.expiresAt } } : {}),
    };
  });
}

export function findBoard(inv: Inventory, id: string): InventoryBoard {
  const b = inv.boards.find((x) => x.id === id);
  if (!b) throw new EveError('BOARD_UNKNOWN', `no board '${id}' in the inventory (boards: ${inv.boards.map((x) => x.id).join(', ') || 'none'})`);
  return b;
}

export interface HealthRunOptions {
  store: FleetStore;
  scanner: UsbScanner;
  sink?: TelemetrySink;
  timers: Timers;
  pingTimeoutMs: number;
  offMs: number;
  bootMs: number;
  log(line: string): void;
}

/**
 * Checks the named boards (all if none), one after another. Supplies are opened once each and
 * closed at the end, which switches their outputs off: no output stays on without a driver.
 */
export async function checkFleet(inv: Inventory, ids: string[], o: HealthRunOptions): Promise<HealthReport[]> {
  const boards = ids.length ? ids.map((id) => findBoard(inv, id)) : inv.boards;
  const where = await locateBoards(inv, o.scanner);
  const supplies = new Map<string, SafePowerSupply>();
  const checker = new HealthChecker({ store: o.store, ...(o.sink ? { sink: o.sink } : {}), quarantineAfter: inv.quarantineAfter, pingTimeoutMs: o.pingTimeoutMs, offMs: o.offMs, bootMs: o.bootMs, timers: o.timers });
  const reports: HealthReport[] = [];
  try {
    for (const b of boards) {
      const addr = where.get(b.id)!;
      if (!addr.url) {
        const h = o.store.recordFailure(b.id, addr.problem ?? 'no address', inv.quarantineAfter);
        reports.push({ board: b.id, outcome: h.quarantined ? 'quarantined' : 'failed', consecutiveFailures: h.consecutiveFailures, powerCycles: 0, detail: addr.problem ?? 'no address' });
        continue;
      }
      const psu = await supplyFor(inv, b.supply.id, supplies, o);
      const limits = inv.supplies.find((s) => s.id === b.supply.id)!.limits[String(b.supply.channel)]!;
      const url = addr.url;
      const life = new BoardLifecycle(b.id, 'off', (t) => o.log(`${t.board}: ${t.from} -> ${t.to} (${t.reason})`));
      reports.push(await checker.check({
        id: b.id, psu, channel: b.supply.channel,
        railVoltageV: Math.min(b.railVoltageV ?? 3.3, limits.maxVoltageV), currentLimitA: limits.maxCurrentA,
        connect: () => openBoardLink(url, b.protocol, o.pingTimeoutMs),
      }, life));
    }
  } finally {
    for (const psu of supplies.values()) await psu.close().catch((e: unknown) => o.log(`warning: closing supply: ${(e as Error).message}`));
  }
  return reports;
}

async function supplyFor(inv: Inventory, id: string, open: Map<string, SafePowerSupply>, o: HealthRunOptions): Promise<SafePowerSupply> {
  const have = open.get(id);
  if (have) return have;
  const s = inv.supplies.find((x) => x.id === id)!;
  const transport = createTransport(s.transport, { connectTimeoutMs: 5000 });
  await transport.open();
  try {
    const limits = Object.fromEntries(Object.entries(s.limits).map(([ch, l]) => [Number(ch), l]));
    const psu = new SafePowerSupply(await openPowerSupply(new ScpiSession(transport, { timeoutMs: 2000 })), limits);
    if (s.model && !psu.identity.model.includes(s.model)) o.log(`warning: supply ${id} is a ${psu.identity.model}, the inventory says ${s.model}`);
    open.set(id, psu);
    return psu;
  } catch (e) {
    await transport.close();
    throw e;
  }
}
