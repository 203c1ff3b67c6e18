import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultVirtualBoards, startVirtualLab, type VirtualLab } from '@eve-bench/bench-controller';
import { requireSystemTool } from '../src/system-tools.js';

/**
 * A real third-party client against the simulated supply: Debian's sigrok-cli, whose scpi-pps
 * driver recognises a Rigol DP832 from *IDN? and drives it with its own command set.
 */
const run = promisify(execFile);
let sigrok: string;
let lab: VirtualLab;
let device: string;

async function sigrokCli(...args: string[]): Promise<string> {
  const { stdout } = await run(sigrok, ['-d', device, ...args], { timeout: 20_000 });
  return stdout;
}

beforeAll(async () => {
  sigrok = requireSystemTool('sigrok-cli', 'sigrok-cli');
  lab = await startVirtualLab({ host: '127.0.0.1', boards: defaultVirtualBoards() });
  device = `scpi-pps:conn=tcp-raw/127.0.0.1/${new URL(lab.psuUrl.replace('tcp:', 'http:')).port}`;
}, 300_000);

afterAll(async () => {
  await lab?.close();
});

describe('sigrok-cli (scpi-pps driver) against the simulated DP832', () => {
  it('scans and recognises the instrument', async () => {
    expect(await sigrokCli('--scan')).toMatch(/scpi-pps - Rigol DP832 .* with 9 channels/);
  });

  it('sets and gets a channel voltage, and the simulator really changed', async () => {
    await sigrokCli('-g', '1', '--config', 'voltage_target=2.5', '--set');
    expect((await sigrokCli('-g', '1', '--get', 'voltage_target')).trim()).toBe('2.5');
    expect(lab.psu.channel(1).setpoint().voltageV).toBe(2.5);
  });

  it('shows channel options, including protection settings', async () => {
    const show = await sigrokCli('-g', '2', '--show');
    expect(show).toMatch(/ovp_threshold/);
    expect(show).toMatch(/current_limit/);
  });

  it('acquires measurements from every channel', async () => {
    await sigrokCli('-g', '1', '--config', 'enabled=on', '--set');
    const out = await sigrokCli('--samples', '2');
    expect(out).toMatch(/^V1: [\d.]+ (mV|V) DC$/m);
    expect(out).toMatch(/^I2: [\d.]+ (mA|A) DC$/m);
    expect(out).toMatch(/^P3: [\d.]+ (mW|W)$/m);
  });
});
