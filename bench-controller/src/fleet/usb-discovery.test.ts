import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryUsbScanner, resolveUsbBoard, type UsbDevice } from './usb-discovery.js';
import { NodeUsbScanner } from './node-usb-scanner.js';
import { probeName } from './usb-probes.js';

const xds = (serial: string, n: number): UsbDevice => ({
  vid: '0451', pid: 'bef3', serial, location: `1-1.${n}`,
  serialPorts: [
    { interface: 3, devicePath: `/dev/ttyACM${2 * n + 1}`, stablePath: `/dev/serial/by-id/usb-Texas_Instruments_XDS110_${serial}-if03` },
    { interface: 0, devicePath: `/dev/ttyACM${2 * n}`, stablePath: `/dev/serial/by-id/usb-Texas_Instruments_XDS110_${serial}-if00` },
  ],
});

describe('known probes', () => {
  it('names debug probes by VID:PID, any product for J-Link', () => {
    expect(probeName('0451', 'BEF3')).toBe('TI XDS110');
    expect(probeName('0483', '374e')).toBe('ST-LINK/V3');
    expect(probeName('1366', '1015')).toBe('SEGGER J-Link');
    expect(probeName('1915', 'c00a')).toBe('Nordic PPK2');
    expect(probeName('0483', '5740')).toBeUndefined();
  });
});

describe('resolveUsbBoard', () => {
  const devices = [xds('M4321005', 1), xds('M4321006', 2), { vid: '1366', pid: '1015', serial: '000123', location: '1-2', serialPorts: [] }];

  it('picks the device by serial and its first interface, by its stable name', async () => {
    const r = resolveUsbBoard('b1', { vid: '0451', pid: 'bef3', serial: 'M4321006' }, await new MemoryUsbScanner(devices).list());
    expect(r).toMatchObject({ probe: 'TI XDS110', path: '/dev/serial/by-id/usb-Texas_Instruments_XDS110_M4321006-if00' });
    expect(r.url).toBe('serial:///dev/serial/by-id/usb-Texas_Instruments_XDS110_M4321006-if00?baud=115200');
    expect(resolveUsbBoard('b1', { vid: '0451', serial: 'M4321005', interface: 3 }, devices).path).toMatch(/M4321005-if03$/);
  });

  it('refuses to guess', () => {
    expect(() => resolveUsbBoard('b1', { vid: '0451', pid: 'bef3' }, devices)).toThrow(/2 USB devices match 0451:bef3 \(serials M4321005, M4321006\); add usb.serial/);
    expect(() => resolveUsbBoard('b1', { vid: '0483' }, devices)).toThrow(/no USB device 0483:\* is plugged in/);
    expect(() => resolveUsbBoard('b1', { vid: '1366' }, devices)).toThrow(/1366:\* at 1-2 has no serial port/);
  });
});

describe('NodeUsbScanner (sysfs and /dev/serial/by-id)', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds each interface tty and its by-id link, and reads the serial from sysfs when enumeration lacks it', async () => {
    root = mkdtempSync(join(tmpdir(), 'eve-usb-'));
    const sys = join(root, 'sys/bus/usb/devices');
    const dev = join(root, 'dev');
    mkdirSync(join(sys, '1-1.4'), { recursive: true });
    writeFileSync(join(sys, '1-1.4/serial'), 'M4321005\n');
    mkdirSync(join(sys, '1-1.4:1.0/tty/ttyACM0'), { recursive: true }); // cdc_acm
    mkdirSync(join(sys, '1-1.4:1.3/tty/ttyACM1'), { recursive: true });
    mkdirSync(join(sys, '1-1.40:1.0/ttyUSB0'), { recursive: true }); // another device: must not match 1-1.4
    mkdirSync(join(dev, 'serial/by-id'), { recursive: true });
    for (const t of ['ttyACM0', 'ttyACM1', 'ttyUSB0']) writeFileSync(join(dev, t), '');
    symlinkSync('../../ttyACM0', join(dev, 'serial/by-id/usb-TI_XDS110_M4321005-if00'));
    symlinkSync('../../ttyUSB0', join(dev, 'serial/by-id/usb-FTDI_FT232R_A1-if00-port0'));
    const scanner = new NodeUsbScanner({
      sysfsRoot: join(root, 'sys'),
      devRoot: dev,
      enumerate: async () => [
        { vendorId: 0x0451, productId: 0xbef3, serialNumber: null, bus: '001', ports: [1, 4] },
        { vendorId: 0x0403, productId: 0x6001, serialNumber: 'A1', bus: '1', ports: [1, 40] },
      ],
    });
    const [xds110, ftdi] = await scanner.list();
    expect(xds110).toEqual({
      vid: '0451', pid: 'bef3', serial: 'M4321005', location: '1-1.4',
      serialPorts: [
        { interface: 0, devicePath: join(dev, 'ttyACM0'), stablePath: join(dev, 'serial/by-id/usb-TI_XDS110_M4321005-if00') },
        { interface: 3, devicePath: join(dev, 'ttyACM1') },
      ],
    });
    expect(ftdi!.serialPorts).toEqual([{ interface: 0, devicePath: join(dev, 'ttyUSB0'), stablePath: join(dev, 'serial/by-id/usb-FTDI_FT232R_A1-if00-port0') }]);
  });

  it('reports a host without USB as a typed error', async () => {
    root = mkdtempSync(join(tmpdir(), 'eve-usb-'));
    const scanner = new NodeUsbScanner({ enumerate: async () => { throw new Error('/sys/bus/usb/devices/ not found'); } });
    await expect(scanner.list()).rejects.toMatchObject({ code: 'USB_UNAVAILABLE' });
  });
});
