import { describe, expect, it } from 'vitest';
import { createReconnectingTransport, createTransport, parseTransportUrl } from './transport-url.js';
import { SerialTransport } from './serial-transport.js';
import { TcpTransport } from './tcp-transport.js';
import { UsbTmcTransport } from './usbtmc/usbtmc-transport.js';

describe('parseTransportUrl', () => {
  it('parses tcp and serial URLs into typed descriptors', () => {
    expect(parseTransportUrl('tcp://127.0.0.1:5555')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 5555 });
    expect(parseTransportUrl('tcp://[::1]:5025')).toEqual({ kind: 'tcp', host: '::1', port: 5025 });
    expect(parseTransportUrl('tcp://psu.lab:5555/')).toEqual({ kind: 'tcp', host: 'psu.lab', port: 5555 });
    expect(parseTransportUrl('serial:///dev/ttyUSB0?baud=9600')).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 });
    expect(parseTransportUrl('serial:///dev/ttyACM1')).toEqual({ kind: 'serial', path: '/dev/ttyACM1', baudRate: 115200 });
    expect(parseTransportUrl('usbtmc:1ab1:0E11')).toEqual({ kind: 'usbtmc', vendorId: 0x1ab1, productId: 0x0e11 });
    expect(parseTransportUrl('usbtmc:2a8d:1102:MY59001234')).toEqual({ kind: 'usbtmc', vendorId: 0x2a8d, productId: 0x1102, serial: 'MY59001234' });
    expect(parseTransportUrl('serial:///COM3?baud=115200')).toEqual({ kind: 'serial', path: 'COM3', baudRate: 115200 });
  });

  it('refuses bad URLs with TRANSPORT_BAD_URL and says why', () => {
    const cases: Array<[string, string]> = [
      ['127.0.0.1:5555', 'not a URL'],
      ['tcp://127.0.0.1', 'missing port'],
      ['tcp://:5555', 'not a URL'],
      ['tcp://h:0', 'port 0'],
      ['tcp://h:99999', 'not a URL'],
      ['tcp://h:5555/x', 'no path'],
      ['tcp://h:5555?baud=1', 'no query'],
      ['serial://dev/ttyUSB0', 'three slashes'],
      ['serial:///dev/ttyUSB0?baudrate=9600', "unknown parameter 'baudrate'"],
      ['serial:///dev/ttyUSB0?baud=fast', "baud 'fast'"],
      ['udp://h:1', "unknown scheme 'udp:'"],
      ['usbtmc:1ab1', 'VID:PID'],
      ['usbtmc:1ab1:0e11:bad serial', 'VID:PID'],
      ['usbtmc:xyz1:0e11', 'VID:PID'],
    ];
    for (const [url, why] of cases) {
      expect(() => parseTransportUrl(url), url).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_URL', message: expect.stringContaining(why) }));
    }
  });

  it('creates a TCP transport; serial is refused with a typed error until its binding lands', () => {
    expect(createTransport('tcp://127.0.0.1:5555')).toBeInstanceOf(TcpTransport);
    expect(createTransport('serial:///dev/ttyUSB0?baud=9600')).toBeInstanceOf(SerialTransport);
    const usb = createTransport('usbtmc:1ab1:0e11:DP8C1');
    expect(usb).toBeInstanceOf(UsbTmcTransport);
    expect(usb.address).toBe('usbtmc:1ab1:0e11:DP8C1');
  });

  it('wraps a URL in a ReconnectingTransport, refusing a bad URL at once', () => {
    const t = createReconnectingTransport('usbtmc:2a8d:1102', { random: () => 0.5 });
    expect(t.address).toBe('usbtmc:2a8d:1102');
    expect(() => createReconnectingTransport('usbtmc:zz', { random: () => 0.5 })).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_URL' }));
  });
});
