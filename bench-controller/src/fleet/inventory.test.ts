import { describe, expect, it } from 'vitest';
import { parseInventory } from './inventory.js';

const base = `
bench: lab-a
quarantineAfter: 2
supplies:
  - id: psu1
    model: DP832
    transport: tcp://127.0.0.1:5555
    limits: { "1": { maxVoltageV: 3.6, maxCurrentA: 0.05 }, "2": { maxVoltageV: 3.6, maxCurrentA: 0.05 } }
boards:
  - id: b1
    transport: tcp://127.0.0.1:6000
    profile: stm32l476-m4f
    supply: { id: psu1, channel: 1 }
  - id: b2
    usb: { vid: "0451", pid: BEF3, serial: M4321005 }
    protocol: energyrunner
    profile: msp430fr5994
    supply: { id: psu1, channel: 2 }
`;

const error = (text: string) => {
  try {
    parseInventory(text, 'inv.yaml');
  } catch (e) {
    return `${(e as { code: string }).code} ${(e as Error).message}`;
  }
  return 'no error';
};

describe('inventory', () => {
  it('reads supplies, boards by URL and by USB match, with defaults', () => {
    const inv = parseInventory(base, 'inv.yaml');
    expect(inv.quarantineAfter).toBe(2);
    expect(inv.supplies[0]!.model).toBe('DP832');
    expect(inv.boards[0]).toMatchObject({ id: 'b1', protocol: 'eve', transport: 'tcp://127.0.0.1:6000' });
    expect(inv.boards[1]).toMatchObject({ protocol: 'energyrunner', usb: { vid: '0451', pid: 'bef3', serial: 'M4321005' } });
  });

  it('names the bad field', () => {
    expect(error(base.replace('channel: 2', 'channel: 3'))).toBe("CONFIG_INVALID inv.yaml: boards.1.supply.channel: supply 'psu1' has no safety limits for channel 3");
    expect(error(base.replace('id: psu1, channel: 1', 'id: psu9, channel: 1'))).toBe("CONFIG_INVALID inv.yaml: boards.0.supply.id: no supply with id 'psu9'");
    expect(error(base.replace('channel: 2', 'channel: 1'))).toBe("CONFIG_INVALID inv.yaml: boards.1.supply: channel psu1/1 already powers board 'b1'");
    expect(error(base.replace('id: b2', 'id: b1'))).toBe("CONFIG_INVALID inv.yaml: boards.1.id: duplicate board id 'b1'");
    expect(error(base.replace('profile: msp430fr5994', 'profile: z80'))).toMatch(/^CONFIG_INVALID inv.yaml: boards.1.profile: not a device profile known to device-agent \(known: .*stm32l476-m4f/);
    expect(error(base.replace('pid: BEF3', 'pid: xyz'))).toBe('CONFIG_INVALID inv.yaml: boards.1.usb.pid: four hex digits, e.g. 0483');
    expect(error(base.replace('    transport: tcp://127.0.0.1:6000\n', ''))).toBe('CONFIG_INVALID inv.yaml: boards.0.transport: give exactly one of transport (a URL) or usb (a VID/PID/serial match)');
    expect(error(base.replace('maxVoltageV: 3.6, maxCurrentA: 0.05 }, "2"', 'maxVoltageV: 99, maxCurrentA: 0.05 }, "2"'))).toMatch(/^CONFIG_INVALID inv.yaml: supplies.0.limits.1.maxVoltageV: /);
    expect(error('boards: [ {')).toMatch(/^CONFIG_SYNTAX inv.yaml: not valid YAML/);
    expect(error('benches: []')).toMatch(/^CONFIG_INVALID inv.yaml: \(top level\): /);
  });
});

describe('examples/fleet-inventory.yaml', () => {
  it('stays valid', async () => {
    const { loadInventory } = await import('./inventory.js');
    const inv = await loadInventory(new URL('../../../examples/fleet-inventory.yaml', import.meta.url).pathname);
    expect(inv.boards.map((b) => b.id)).toEqual(['nucleo-l476-1', 'msp430-launchpad-1']);
  });
});
