import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualLab, type VirtualLab } from '../lab/virtual-lab.js';
import { openBoardLink } from './board-link.js';

let lab: VirtualLab;
beforeAll(async () => {
  const common = { profile: 'stm32l476-m4f', capacitanceF: 470e-6, turnOnV: 2.8, brownOutV: 1.8 };
  lab = await startVirtualLab({ host: '127.0.0.1', boards: [{ id: 'vb-eve', channel: 1, ...common }, { id: 'vb-er', channel: 2, protocol: 'energyrunner', ...common }] });
  // An unpowered virtual board refuses every request, as a dead MCU would not answer.
  for (const ch of [1, 2]) {
    lab.psu.channel(ch).setVoltage(3.3);
    lab.psu.channel(ch).setCurrentLimit(0.05);
    lab.psu.channel(ch).setOutput(true);
  }
});
afterAll(() => lab?.close());

describe('BoardLink ping', () => {
  it('speaks hello to an EVE board and name% to an EnergyRunner board', async () => {
    for (const [i, protocol] of [[0, 'eve'], [1, 'energyrunner']] as const) {
      const link = await openBoardLink(lab.boards[i]!.url, protocol, 2000);
      expect(await link.ping()).toMatch(i === 0 ? /^vb-eve$/ : /vb-er/);
      await link.close();
    }
  });
});
