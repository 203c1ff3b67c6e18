/**
 * USB discovery: which USB devices are plugged in, and which serial ports they expose under names
 * that survive re-enumeration (`/dev/serial/by-id/...`). The `UsbScanner` port hides where that
 * comes from (node-usb and sysfs on Linux: sysfs-usb-scanner.ts; a fixed list in tests and dry
 * runs: MemoryUsbScanner); `resolveUsbBoard` turns an inventory match into a transport URL.
 */
import { EveError } from '@eve-bench/device-agent';
import type { UsbMatch } from './inventory.js';
import { probeName } from './usb-probes.js';

export interface UsbSerialPort {
  /** USB interface number the port belongs to (composite probes expose several UARTs). */
  interface: number;
  /** Kernel device, e.g. /dev/ttyACM0 (changes across re-plugs). */
  devicePath: string;
  /** Stable name, e.g. /dev/serial/by-id/usb-Texas_Instruments_XDS110_..-if00; absent without udev. */
  stablePath?: string;
}

export interface UsbDevice {
  /** Lower-case hex, four digits. */
  vid: string;
  pid: string;
  serial?: string;
  /** Bus and port chain, as sysfs names it (e.g. `1-1.4`): where it is plugged in. */
  location: string;
  serialPorts: UsbSerialPort[];
}

export interface UsbScanner {
  list(signal?: AbortSignal): Promise<UsbDevice[]>;
}

/** A fixed set of devices: tests and dry runs without USB. */
export class MemoryUsbScanner implements UsbScanner {
  constructor(private readonly devices: UsbDevice[]) {}
  async list(): Promise<UsbDevice[]> {
    return this.devices.map((d) => ({ ...d, serialPorts: [...d.serialPorts] }));
  }
}

export function matchesUsb(d: UsbDevice, m: UsbMatch): boolean {
  return d.vid === m.vid && (m.pid === undefined || d.pid === m.pid) && (m.serial === undefined || d.serial === m.serial);
}

export interface ResolvedUsbBoard {
  device: UsbDevice;
  probe?: string;
  /** The port the board is reached through, stable name preferred. */
  path: string;
  /** serial:// URL for createTransport. */
  url: string;
}

/** Finds the one device a match names and its serial port; ambiguity is an error, never a guess. */
export function resolveUsbBoard(boardId: string, m: UsbMatch, devices: UsbDevice[], baud = 115200): ResolvedUsbBoard {
  const what = `${m.vid}:${m.pid ?? '*'}${m.serial ? ` serial ${m.serial}` : ''}`;
  const found = devices.filter((d) => matchesUsb(d, m));
  if (found.length === 0) throw new EveError('USB_NOT_FOUND', `board ${boardId}: no USB device ${what} is plugged in`, { retriable: true });
  if (found.length > 1) {
    throw new EveError('USB_AMBIGUOUS', `board ${boardId}: ${found.length} USB devices match ${what} (serials ${found.map((d) => d.serial ?? '?').join(', ')}); add usb.serial to the inventory`);
  }
  const device = found[0]!;
  const ports = [...device.serialPorts].sort((a, b) => a.interface - b.interface);
  const port = m.interface === undefined ? ports[0] : ports.find((p) => p.interface === m.interface);
  if (!port) {
    const iface = m.interface === undefined ? '' : ` on interface ${m.interface}`;
    throw new EveError('USB_NO_SERIAL_PORT', `board ${boardId}: USB device ${what} at ${device.location} has no serial port${iface}`);
  }
  const path = port.stablePath ?? port.devicePath;
  const probe = probeName(device.vid, device.pid);
  return { device, ...(probe ? { probe } : {}), path, url: `serial://${path}?baud=${baud}` };
}
