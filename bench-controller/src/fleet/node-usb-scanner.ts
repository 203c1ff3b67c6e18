/**
 * The UsbScanner on a Linux host: the `usb` package enumerates devices (vendor, product, serial,
 * bus and port chain); sysfs says which tty each interface exposes, and udev's
 * `/dev/serial/by-id` links give those ttys names that survive re-plugging. Roots are injectable
 * so the sysfs walk is tested on a directory tree, and enumeration so it runs without devices.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EveError } from '@eve-bench/device-agent';
import type { UsbDevice, UsbScanner, UsbSerialPort } from './usb-discovery.js';

/** What enumeration reports about one device, before its serial ports are looked up. */
export interface EnumeratedUsb {
  vendorId: number;
  productId: number;
  serialNumber: string | null;
  bus: string;
  ports: number[];
}

export interface NodeUsbScannerOptions {
  enumerate?: () => Promise<EnumeratedUsb[]>;
  sysfsRoot?: string;
  devRoot?: string;
}

async function enumerateWithNodeUsb(): Promise<EnumeratedUsb[]> {
  // Loaded on first use: hosts without USB never load the native binding.
  const { usb } = await import('usb');
  return usb.getDevices();
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export class NodeUsbScanner implements UsbScanner {
  private readonly sysfs: string;
  private readonly dev: string;
  constructor(private readonly o: NodeUsbScannerOptions = {}) {
    this.sysfs = o.sysfsRoot ?? '/sys';
    this.dev = o.devRoot ?? '/dev';
  }

  async list(): Promise<UsbDevice[]> {
    let raw: EnumeratedUsb[];
    try {
      raw = await (this.o.enumerate ?? enumerateWithNodeUsb)();
    } catch (e) {
      throw new EveError('USB_UNAVAILABLE', `cannot enumerate USB devices: ${(e as Error).message}`, { cause: e });
    }
    const stable = await this.stableNames();
    return Promise.all(raw.map(async (r) => {
      const location = `${Number(r.bus)}-${r.ports.join('.')}`;
      const serial = r.serialNumber ?? (await readTrimmed(join(this.sysfs, 'bus/usb/devices', location, 'serial')));
      const serialPorts = (await this.ttysOf(location)).map((p) => {
        const stablePath = stable.get(basename(p.devicePath));
        return stablePath ? { ...p, stablePath } : p;
      });
      return { vid: hex4(r.vendorId), pid: hex4(r.productId), ...(serial ? { serial } : {}), location, serialPorts };
    }));
  }

  /** Interfaces are sysfs entries `<location>:<config>.<interface>`; ACM ttys sit under tty/, usb-serial ones beside it. */
  private async ttysOf(location: string): Promise<UsbSerialPort[]> {
    const root = join(this.sysfs, 'bus/usb/devices');
    const out: UsbSerialPort[] = [];
    for (const entry of await listDir(root)) {
      const m = new RegExp(`^${location.replace(/\./g, '\\.')}:\\d+\\.(\\d+)$`).exec(entry);
      if (!m) continue;
      const iface = Number(m[1]);
      const dir = join(root, entry);
      const names = [...(await listDir(join(dir, 'tty'))), ...(await listDir(dir)).filter((n) => /^tty(USB|ACM)\d+$/.test(n))];
      for (const name of new Set(names)) out.push({ interface: iface, devicePath: join(this.dev, name) });
    }
    return out;
  }

  /** tty name -> its /dev/serial/by-id link. */
  private async stableNames(): Promise<Map<string, string>> {
    const dir = join(this.dev, 'serial/by-id');
    const map = new Map<string, string>();
    for (const link of await listDir(dir)) {
      const target = await realpath(join(dir, link)).catch(() => undefined);
      if (target) map.set(basename(target), join(dir, link));
    }
    return map;
  }
}

/** A missing directory is an empty one: no udev, no such interface. */
async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
