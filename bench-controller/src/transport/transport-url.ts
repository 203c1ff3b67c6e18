/**
 * Transport URLs as written in the bench configuration:
 *   tcp://host:port                        (instrument LAN port, ser2net, simulator)
 *   serial:///dev/ttyUSB0?baud=115200      (baud defaults to 115200)
 *   usbtmc:1ab1:0e11[:DP8C123456789]       (VID:PID in hex as lsusb prints them, optional serial)
 * Parsed once into a typed descriptor; anything ambiguous is refused with the reason.
 */
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from './byte-transport.js';
import { TcpTransport, type TcpTransportOptions } from './tcp-transport.js';
import { SerialTransport } from './serial-transport.js';
import { UsbTmcTransport } from './usbtmc/usbtmc-transport.js';
import { NodeUsbDevice } from './usbtmc/node-usb-device.js';
import { ReconnectingTransport, type ReconnectingTransportOptions } from './reconnecting-transport.js';

export type TransportDescriptor =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string; baudRate: number }
  | { kind: 'usbtmc'; vendorId: number; productId: number; serial?: string };

const DEFAULT_BAUD = 115200;

function bad(url: string, why: string): EveError {
  return new EveError('TRANSPORT_BAD_URL', `bad transport URL '${url}': ${why} (expected 'tcp://host:port', 'serial:///dev/ttyUSB0?baud=115200' or 'usbtmc:VID:PID[:SERIAL]')`);
}

export function parseTransportUrl(url: string): TransportDescriptor {
  if (typeof url === 'string' && /^usbtmc:/i.test(url)) return parseUsbTmc(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad(url, 'not a URL');
  }
  if (u.username || u.password) throw bad(url, 'credentials are not allowed');
  if (u.hash) throw bad(url, 'a #fragment is not allowed');
  if (u.protocol === 'tcp:') {
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host) throw bad(url, 'missing host');
    if (!u.port) throw bad(url, 'missing port');
    const port = Number(u.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(url, `port ${u.port} is not 1-65535`);
    if (u.pathname !== '' && u.pathname !== '/') throw bad(url, `a TCP URL has no path ('${u.pathname}')`);
    if (u.search) throw bad(url, 'a TCP URL takes no query parameters');
    return { kind: 'tcp', host, port };
  }
  if (u.protocol === 'serial:') {
    if (u.host) throw bad(url, `use three slashes: 'serial:///dev/...' (got host '${u.host}')`);
    let path = decodeURIComponent(u.pathname);
    // Windows ports: serial:///COM3 -> COM3.
    if (/^\/COM\d+$/i.test(path)) path = path.slice(1);
    if (!path || path === '/') throw bad(url, 'missing device path');
    let baudRate = DEFAULT_BAUD;
    for (const [key, value] of u.searchParams) {
      if (key !== 'baud') throw bad(url, `unknown parameter '${key}' (only 'baud')`);
      if (!/^\d{1,8}$/.test(value) || Number(value) < 50 || Number(value) > 20_000_000) {
        throw bad(url, `baud '${value}' is not a plausible rate`);
      }
      baudRate = Number(value);
    }
    return { kind: 'serial', path, baudRate };
  }
  throw bad(url, `unknown scheme '${u.protocol}'`);
}

function parseUsbTmc(url: string): TransportDescriptor {
  const m = /^usbtmc:([0-9a-f]{4}):([0-9a-f]{4})(?::([A-Za-z0-9._-]{1,64}))?$/i.exec(url);
  if (!m) throw bad(url, "USBTMC wants 'usbtmc:VID:PID' or 'usbtmc:VID:PID:SERIAL', VID and PID as 4 hex digits, serial [A-Za-z0-9._-]");
  const d: TransportDescriptor = { kind: 'usbtmc', vendorId: parseInt(m[1]!, 16), productId: parseInt(m[2]!, 16) };
  return m[3] === undefined ? d : { ...d, serial: m[3] };
}

/** A transport for a URL or descriptor. */
export function createTransport(target: string | TransportDescriptor, tcp: TcpTransportOptions = {}): ByteTransport {
  const d = typeof target === 'string' ? parseTransportUrl(target) : target;
  if (d.kind === 'tcp') return new TcpTransport(d.host, d.port, tcp);
  if (d.kind === 'usbtmc') return new UsbTmcTransport(new NodeUsbDevice(d));
  return new SerialTransport(d.path, { baudRate: d.baudRate });
}

/**
 * A transport that survives unplugs: each reopen builds a fresh transport from the same URL, so
 * the stable id in it is resolved again — a /dev/serial/by-id link is followed to whatever
 * ttyACM it points at now, a USBTMC device is looked up again by VID/PID/serial.
 */
export function createReconnectingTransport(url: string, options: ReconnectingTransportOptions, tcp: TcpTransportOptions = {}): ReconnectingTransport {
  const d = parseTransportUrl(url); // bad URLs fail now, not at the first reconnect
  return new ReconnectingTransport(() => createTransport(d, tcp), options);
}
