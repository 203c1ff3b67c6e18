/**
 * `npm run bench -w bench-controller` (measurement part): how close the bench's measurements come
 * to the virtual boards' ground truth through the real transports (TCP, and serial on a socat
 * PTY), how long the DP832's coarse, slow readbacks make a measurement at each precision, and
 * deploy throughput and protocol efficiency. Merges its figures under "measurement" into
 * bench/results/bench-controller.json (other bench modules write their own keys) and prints a table.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployChecksum, indoorLight, measurementConvSpec, mulberry32, randomSpec, writePackage } from '@eve-bench/device-agent';
import { startVirtualLab, type VirtualLab } from '../lab/virtual-lab.js';
import { connectBench, type BenchSession } from '../session/bench-session.js';
import { measureWindow, type Precision } from '../measure/energy-window.js';
import type { BenchBoard } from '../measure/measure-package.js';

interface AccuracyRow {
  transport: string;
  targetRelative: number;
  energyUj: number;
  truthEnergyUj: number;
  energyErrorPct: number;
  uncertaintyPct: number;
  latencyUs: number;
  truthLatencyUs: number;
  latencyErrorUs: number;
  converged: boolean;
  windows: number;
  inferences: number;
  readings: number;
  simulatedSeconds: number;
  wallSeconds: number;
}

interface DeployRow {
  transport: string;
  packageBytes: number;
  bytesPerSecond: number;
  efficiency: number;
  chunks: number;
}

const TARGETS = [0.02, 0.01, 0.005];

async function accuracy(lab: VirtualLab, b: BenchBoard, index: number, transport: string, bytes: Uint8Array, target: number): Promise<AccuracyRow> {
  const crc = deployChecksum(bytes);
  const vb = lab.boards[index]!.board;
  const seen = vb.groundTruth().length;
  const inputs = Array.from({ length: 10 }, (_, i) => Uint8Array.from({ length: 784 }, (_, j) => (i * 7 + j) & 0xff));
  const precision: Precision = { relative: target, minWindows: 3, maxWindows: 2000 };
  const t0 = performance.now();
  const m = await measureWindow({ board: b.client, readbacks: b.readbacks, replayer: b.replayer }, inputs, precision);
  const wallSeconds = (performance.now() - t0) / 1000;
  const truth = vb.groundTruth().slice(seen).filter((t) => t.packageCrc === crc && t.mode === 0);
  const truthEnergyUj = (truth.reduce((s, t) => s + t.energyJ, 0) / truth.length) * 1e6;
  const truthLatencyUs = truth.reduce((s, t) => s + t.latencyUs, 0) / truth.length;
  return {
    transport, targetRelative: target, energyUj: m.energyUj, truthEnergyUj, energyErrorPct: (m.energyUj / truthEnergyUj - 1) * 100,
    uncertaintyPct: (m.energyUncertaintyUj / m.energyUj) * 100, latencyUs: m.latencyUs, truthLatencyUs, latencyErrorUs: m.latencyUs - truthLatencyUs,
    converged: m.converged, windows: m.windows, inferences: m.inferences, readings: m.readings,
    simulatedSeconds: (2 * m.windows * m.windowDurationUs) / 1e6, wallSeconds,
  };
}

async function deploy(b: BenchBoard, transport: string, bytes: Uint8Array): Promise<DeployRow> {
  const t0 = performance.now();
  const rep = await b.client.deploy(bytes);
  const s = (performance.now() - t0) / 1000;
  return { transport, packageBytes: rep.bytes, bytesPerSecond: rep.bytes / s, efficiency: rep.bytes / (rep.wireBytes + rep.wireBytesIn), chunks: rep.chunks };
}

async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const lab = await startVirtualLab({ host: '127.0.0.1', boards: [
    { id: 'tcp', channel: 1, profile: 'stm32l476-m4f', capacitanceF: 470e-6, turnOnV: 2.8, brownOutV: 1.8 },
    { id: 'serial', channel: 2, profile: 'stm32l476-m4f', capacitanceF: 470e-6, turnOnV: 2.8, brownOutV: 1.8 },
  ] });
  let socat: ChildProcess | undefined;
  let bench: BenchSession | undefined;
  try {
    const boards = [{ id: 'tcp', url: lab.boards[0]!.url, supplyId: 'psu', channel: 1 }];
    const socatBin = spawnSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' }).stdout.trim();
    if (socatBin) {
      const link = join(mkdtempSync(join(tmpdir(), 'eve-bench-')), 'ttyBOARD');
      socat = spawn(socatBin, [`pty,raw,echo=0,link=${link}`, `tcp:127.0.0.1:${new URL(lab.boards[1]!.url.replace('tcp:', 'http:')).port}`], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(link); i++) await new Promise((r) => setTimeout(r, 50));
      boards.push({ id: 'serial', url: `serial://${link}?baud=115200`, supplyId: 'psu', channel: 2 });
    } else {
      console.log('SKIPPED serial (PTY): socat not found; install it with: apt-get install -y socat');
    }
    bench = await connectBench({
      supplies: [{ id: 'psu', url: lab.psuUrl, limits: { '1': { maxVoltageV: 3.6, maxCurrentA: 0.05 }, '2': { maxVoltageV: 3.6, maxCurrentA: 0.05 } } }],
      boards,
      // ample constant power: the supply runs in CV, so its readbacks are the board's own draw
      trace: indoorLight(mulberry32(1), { durationS: 60, stepS: 1, onPowerW: 0.1, offPowerW: 0.1 }),
      railVoltageV: 3.3, precision: { relative: 0.01, minWindows: 3, maxWindows: 2000 }, log: () => undefined,
    });
    const conv = writePackage(measurementConvSpec(21));
    const big = writePackage(randomSpec(9, [784, 128, 10]));
    const deploys: DeployRow[] = [];
    const rows: AccuracyRow[] = [];
    for (const [i, b] of bench.boards.entries()) {
      deploys.push(await deploy(b, b.id, big));
      await deploy(b, b.id, conv);
      for (const target of TARGETS) rows.push(await accuracy(lab, b, i, b.id, conv, target));
    }
    const result = {
      instrument: 'simulated Rigol DP832 (lab/readback-model.ts: 10 mV / 1 mA steps, ±(0.15 % + 5 mA) current accuracy, 1-count noise, ~20 readings/s)',
      board: 'virtual STM32L476 (80 MHz, 8 mA active), measurementConvSpec(21): 0.7 M MACs per inference',
      accuracy: rows,
      deploy: deploys,
    };
    const file = join(root, 'bench/results/bench-controller.json');
    mkdirSync(dirname(file), { recursive: true });
    const prior = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> : {};
    writeFileSync(file, JSON.stringify({ ...prior, measurement: result }, null, 2) + '\n');
    const f = (x: number, d = 2) => x.toFixed(d);
    console.log(`\n${result.instrument}\n${result.board}`);
    console.log('transport  target  energy µJ (truth)        error    ±95%    latency µs (error)     windows  inferences  readings  sim s  wall s');
    for (const r of rows) {
      console.log(`${r.transport.padEnd(9)}  ${f(r.targetRelative * 100, 1).padStart(4)} %  ${f(r.energyUj).padStart(8)} (${f(r.truthEnergyUj)})  ${f(r.energyErrorPct, 3).padStart(6)} %  ${f(r.uncertaintyPct, 2)} %  ${f(r.latencyUs, 1)} (${f(r.latencyErrorUs, 4)})  ${String(r.windows).padStart(7)}${r.converged ? ' ' : '*'}  ${String(r.inferences).padStart(10)}  ${String(r.readings).padStart(8)}  ${f(r.simulatedSeconds, 0).padStart(5)}  ${f(r.wallSeconds, 1).padStart(6)}`);
    }
    console.log('\ntransport  package bytes  deploy bytes/s  efficiency (payload / wire bytes both ways)  chunks');
    for (const d of deploys) console.log(`${d.transport.padEnd(9)}  ${String(d.packageBytes).padStart(13)}  ${f(d.bytesPerSecond, 0).padStart(14)}  ${f(d.efficiency * 100, 1).padStart(9)} %  ${String(d.chunks).padStart(6)}`);
    console.log('wrote bench/results/bench-controller.json (key "measurement")');
  } finally {
    await bench?.close();
    socat?.kill();
    await lab.close();
  }
}

main().catch((e: unknown) => {
  console.error(`measure bench failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
