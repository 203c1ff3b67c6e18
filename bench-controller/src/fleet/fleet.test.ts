import { describe, expect, it } from 'vitest';
import { parseInventory } from './inventory.js';
import { listFleet, locateBoards } from './fleet.js';
import { MemoryUsbScanner, type UsbScanner } from './usb-discovery.js';
import { FleetStore } from './fleet-store.js';

const inv = parseInventory(`
supplies:
  - { id: p, transport: "tcp://127.0.0.1:1", limits: { "1": { maxVoltageV: 3.6, maxCurrentA: 0.05 }, "2": { maxVoltageV: 3.6, maxCurrentA: 0.05 }, "3": { maxVoltageV: 3.6, maxCurrentA: 0.05 } } }
boards:
  - { id: tcp-board, transport: "tcp://127.0.0.1:7001", profile: stm32l476-m4f, supply: { id: p, channel: 1 } }
  - { id: stlink-board, usb: { vid: "0483", pid: "374b", serial: "066DFF" }, profile: stm32l476-m4f, supply: { id: p, channel: 2 } }
  - { id: gone-board, usb: { vid: "1366", serial: "000999" }, profile: msp430fr5994, supply: { id: p, channel: 3 } }
`, 'inv.yaml');

const scanner = new MemoryUsbScanner([
  { vid: '0483', pid: '374b', serial: '066DFF', location: '3-2', serialPorts: [{ interface: 2, devicePath: '/dev/ttyACM0', stablePath: '/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_066DFF-if02' }] },
]);

describe('locating the fleet', () => {
  it('keeps transport URLs, resolves USB matches to stable ports, and says why a board is missing', async () => {
    const where = await locateBoards(inv, scanner);
    expect(where.get('tcp-board')).toEqual({ url: 'tcp://127.0.0.1:7001' });
    expect(where.get('stlink-board')).toEqual({ url: 'serial:///dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_066DFF-if02?baud=115200', probe: 'ST-LINK/V2-1' });
    expect(where.get('gone-board')).toEqual({ problem: 'board gone-board: no USB device 1366:* serial 000999 is plugged in' });
  });

  it('lists every board even when USB cannot be enumerated at all', async () => {
    const broken: UsbScanner = { list: async () => { throw new Error('no sysfs'); } };
    const store = new FleetStore(':memory:');
    const rows = await listFleet(inv, store, broken);
    expect(rows.map((r) => [r.board, r.address.url ?? r.address.problem])).toEqual([
      ['tcp-board', 'tcp://127.0.0.1:7001'],
      ['stlink-board', 'cannot enumerate USB devices: no sysfs'],
      ['gone-board', 'cannot enumerate USB devices: no sysfs'],
    ]);
    store.close();
  });
});
