/**
 * The fleet inventory (YAML or JSON): the benches' supplies and the boards wired to them, for
 * `eve bench`. It extends the bench configuration (config/bench-config.ts): a supply may name its
 * model, and a board is reached either by a transport URL or by a USB match (VID/PID/serial of its
 * debug probe, resolved to a stable `/dev/serial/by-id` port at run time) and may speak the
 * EnergyRunner protocol. Wiring is checked once, at load.
 */
import { profileNames } from '@eve-bench/device-agent';
import { z } from 'zod';
import { BoardConfig, MqttConfig, SupplyConfig, checkWiring, id, parseConfigText, readConfigFile, transportUrl } from '../config/bench-config.js';

const hex4 = z.string().regex(/^[0-9a-fA-F]{4}$/, 'four hex digits, e.g. 0483').transform((s) => s.toLowerCase());

export const UsbMatch = z.object({
  vid: hex4,
  /** Omitted: any product of the vendor (e.g. every SEGGER J-Link). */
  pid: hex4.optional(),
  /** The probe's USB serial number: what tells two identical probes apart. */
  serial: z.string().min(1).max(128).optional(),
  /** USB interface of a composite probe whose UART is not the first one (XDS110: 00 = app UART). */
  interface: z.number().int().min(0).max(255).optional(),
}).strict();

export const InventorySupply = SupplyConfig.extend({
  /** What the operator expects to find (e.g. 'DP832'); the driver is still chosen from *IDN?. */
  model: z.string().min(1).optional(),
}).strict();

export const InventoryBoard = BoardConfig.extend({
  transport: transportUrl.optional(),
  usb: UsbMatch.optional(),
  protocol: z.enum(['eve', 'energyrunner']).default('eve'),
  /** Rail voltage the health check powers the board with (default 3.3 V, never above the channel limit). */
  railVoltageV: z.number().positive().max(60).optional(),
  profile: z.string().min(1).refine((p) => profileNames().includes(p), { message: `not a device profile known to device-agent (known: ${profileNames().join(', ')})` }),
}).strict().superRefine((b, ctx) => {
  if ((b.transport === undefined) === (b.usb === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['transport'], message: 'give exactly one of transport (a URL) or usb (a VID/PID/serial match)' });
  }
});

export const Inventory = z.object({
  bench: id.default('virtual-lab'),
  /** As in the bench configuration, so one file (e.g. what `eve lab up` prints) serves both. */
  mqtt: MqttConfig.optional(),
  /** Consecutive failed health checks after which a board is quarantined. */
  quarantineAfter: z.number().int().min(1).max(100).default(3),
  supplies: z.array(InventorySupply).default([]),
  boards: z.array(InventoryBoard).default([]),
}).strict().superRefine((c, ctx) => {
  checkWiring(c, ctx);
  const seen = new Set<string>();
  c.boards.forEach((b, i) => {
    if (seen.has(b.id)) ctx.addIssue({ code: 'custom', path: ['boards', i, 'id'], message: `duplicate board id '${b.id}'` });
    seen.add(b.id);
  });
  const wired = new Map<string, string>();
  c.boards.forEach((b, i) => {
    const key = `${b.supply.id}/${b.supply.channel}`;
    const other = wired.get(key);
    // One channel powers one board: a power-cycle must never take a second board down with it.
    if (other) ctx.addIssue({ code: 'custom', path: ['boards', i, 'supply'], message: `channel ${key} already powers board '${other}'` });
    wired.set(key, b.id);
  });
});

export type Inventory = z.infer<typeof Inventory>;
export type InventoryBoard = z.infer<typeof InventoryBoard>;
export type InventorySupply = z.infer<typeof InventorySupply>;
export type UsbMatch = z.infer<typeof UsbMatch>;

export function parseInventory(text: string, source: string): Inventory {
  return parseConfigText(Inventory, text, source);
}

export async function loadInventory(path: string): Promise<Inventory> {
  return parseInventory(await readConfigFile(path), path);
}
