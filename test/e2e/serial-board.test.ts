import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployChecksum, indoorLight, measurementConvSpec, mulberry32, readPackage, writePackage } from '@eve-bench/device-agent';
import { connectBench, defaultVirtualBoards, measurePackage, startVirtualLab, type BenchSession, type VirtualLab } from '@eve-bench/bench-controller';
import { requireSystemTool } from '../src/system-tools.js';

/**
 * A virtual board behind a pseudo-terminal, as a board's UART appears to the host: socat joins a
 * PTY to the board's TCP stream, and the bench opens the PTY through serialport's native binding.
 * Measurements over serial must agree with the simulation's ground truth as they do over TCP.
 */
let lab: VirtualLab;
let socat: ChildProcess | undefined;
let bench: BenchSession;

beforeAll(async () => {
  const bin = requireSystemTool('socat', 'socat');
  lab = await startVirtualLab({ host: '127.0.0.1', boards: defaultVirtualBoards() });
  const link = join(mkdtempSync(join(tmpdir(), 'eve-uart-')), 'ttyBOARD1');
  socat = spawn(bin, [`pty,raw,echo=0,link=${link}`, `tcp:127.0.0.1:${new URL(lab.boards[0]!.url.replace('tcp:', 'http:')).port}`], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(link); i++) await new Promise((r) => setTimeout(r, 50));
  bench = await connectBench({
    supplies: [{ id: 'psu', url: lab.psuUrl, limits: { '1': { maxVoltageV: 3.6, maxCurrentA: 0.05 }, '2': { maxVoltageV: 3.6, maxCurrentA: 0.05 } } }],
    boards: [
      { id: 'over-serial', url: `serial://${link}?baud=115200`, supplyId: 'psu', channel: 1 },
      { id: 'over-tcp', url: lab.boards[1]!.url, supplyId: 'psu', channel: 2 },
    ],
    // ample constant power: the supply runs in CV and reads the board's own draw (harvest-limited replay is the demo's case)
    trace: indoorLight(mulberry32(3), { durationS: 60, stepS: 1, onPowerW: 0.1, offPowerW: 0.1 }),
    railVoltageV: 3.3,
    precision: { relative: 0.008, minWindows: 3, maxWindows: 400 },
    log: () => undefined,
  });
}, 300_000);

afterAll(async () => {
  await bench?.close();
  socat?.kill();
  await lab?.close();
});

describe('measuring a board over a serial port (PTY) and over TCP', () => {
  it('energy within 1 % and latency within 2 µs of ground truth on both links', async () => {
    const bytes = writePackage(measurementConvSpec(21));
    const pkg = readPackage(bytes);
    const inputs = Array.from({ length: 10 }, (_, i) => Uint8Array.from({ length: 784 }, (_, j) => (i * 7 + j) & 0xff));
    for (const [i, b] of bench.boards.entries()) {
      const measured = await measurePackage(b, pkg, bytes, inputs, undefined);
      const truth = lab.boards[i]!.board.groundTruth().filter((t) => t.packageCrc === deployChecksum(bytes));
      for (const m of measured.modes) {
        const ts = truth.filter((t) => t.mode === m.mode);
        const trueUj = (ts.reduce((s, t) => s + t.energyJ, 0) / ts.length) * 1e6;
        const trueUs = ts.reduce((s, t) => s + t.latencyUs, 0) / ts.length;
        console.log(`${b.id} mode ${m.mode}: ${m.energyUj.toFixed(3)} ±${m.energyUncertaintyUj.toFixed(3)} µJ (truth ${trueUj.toFixed(3)}), ${m.windows} windows, ${m.inferences} inferences, ${m.readings} readings`);
        expect(Math.abs(m.energyUj / trueUj - 1), `${b.id} mode ${m.mode} energy`).toBeLessThan(0.01);
        expect(Math.abs(m.latencyUs - trueUs), `${b.id} mode ${m.mode} latency`).toBeLessThan(2);
        expect(m.converged, `${b.id} mode ${m.mode}: ${m.windows} windows, ±${m.energyUncertaintyUj} µJ`).toBe(true);
      }
    }
  });
});
