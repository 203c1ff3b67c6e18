import { describe, expect, it } from 'vitest';
import { parseBenchConfig } from './bench-config.js';

const good = `
bench: lab-a
mqtt: { url: "mqtt://127.0.0.1:1883", username: bench-a, password: secret }
supplies:
  - id: psu1
    transport: tcp://192.0.2.10:5555
    limits: { "1": { maxVoltageV: 3.6, maxCurrentA: 0.05 } }
boards:
  - id: board-a
    transport: serial:///dev/ttyACM0?baud=115200
    profile: stm32l476-m4f
    supply: { id: psu1, channel: 1 }
`;

describe('bench config', () => {
  it('accepts a documented example and fills defaults', () => {
    const c = parseBenchConfig(good, 'bench.yaml');
    expect(c.bench).toBe('lab-a');
    expect(c.boards[0]!.protocol).toBe('eve');
    expect(parseBenchConfig('', 'empty.yaml').bench).toBe('virtual-lab');
  });

  it('names the file and field of a mistake', () => {
    expect(() => parseBenchConfig(good.replace('channel: 1', 'channel: 2'), 'bench.yaml'))
      .toThrow(/bench.yaml: boards.0.supply.channel: supply 'psu1' has no safety limits for channel 2/);
    expect(() => parseBenchConfig('bench: "a/b"', 'x.yaml')).toThrow(/x.yaml: bench: letters/);
    expect(() => parseBenchConfig('bench: a\nbogus: 1', 'x.yaml')).toThrow(/x.yaml/);
    expect(() => parseBenchConfig('bench: [', 'x.yaml')).toThrow(/not valid YAML/);
  });
});
