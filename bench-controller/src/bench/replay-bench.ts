/**
 * Measures what list mode saves: a 10 ms-step harvest trace replayed on the simulated E36312A
 * over loopback TCP, point by point vs uploaded in list segments — host SCPI messages and host
 * time per trace second — and the USBTMC framing cost on the fake device. Run after a build:
 *   node bench-controller/dist/bench/replay-bench.js
 * Writes bench/results/replay.json and prints a table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { ByteTransport } from '../transport/byte-transport.js';
import { TcpTransport } from '../transport/tcp-transport.js';
import { ScpiSession } from '../scpi/scpi-session.js';
import { SimPsu } from '../lab/sim-psu.js';
import { ScpiInterpreter, serveScpi } from '../lab/scpi-server.js';
import { openPowerSupply } from '../instruments/psu/open-power-supply.js';
import { SafePowerSupply } from '../instruments/psu/safe-power-supply.js';
import { HarvestReplayer } from '../harvest/replayer.js';
import { FakeUsbTmcDevice } from '../transport/usbtmc/fake-usbtmc-device.js';
import { UsbTmcTransport } from '../transport/usbtmc/usbtmc-transport.js';

/** Counts the program messages (lines) a transport carries to the instrument. */
class CountingTransport implements ByteTransport {
  lines = 0;
  constructor(private readonly inner: ByteTransport) {}
  get address() { return this.inner.address; }
  get isOpen() { return this.inner.isOpen; }
  open(signal?: AbortSignal) { return this.inner.open(signal); }
  write(bytes: Uint8Array, signal?: AbortSignal) {
    this.lines += bytes.filter((b) => b === 0x0a).length;
    return this.inner.write(bytes, signal);
  }
  read() { return this.inner.read(); }
  close() { return this.inner.close(); }
}

const STEPS = 1000;
const STEP_S = 0.01;

async function replay(listMode: boolean): Promise<{ mode: string; messagesPerTraceS: number; hostMsPerTraceS: number }> {
  const sim = new SimPsu();
  // The instrument's own stepping is not what is measured: its timers never fire.
  const server = await serveScpi(sim, { host: '127.0.0.1', port: 0, dialect: 'keysight-e36312a', listTimer: { setTimeout: () => 0, clearTimeout: () => undefined } });
  const tcp = new CountingTransport(new TcpTransport('127.0.0.1', server.port));
  await tcp.open();
  const psu = new SafePowerSupply(await openPowerSupply(new ScpiSession(tcp, { timeoutMs: 5000 })), { 1: { maxVoltageV: 3.6, maxCurrentA: 0.1 } });
  const powerW = Float64Array.from({ length: STEPS }, (_, i) => 0.001 + 0.05 * Math.abs(Math.sin(i / 37)));
  const r = new HarvestReplayer(psu, 1, { name: 'bench', stepS: STEP_S, powerW, provenance: 'replay-bench' }, { voltageV: 3.3, minCurrentA: 0.001, loop: false, listMode });
  const before = tcp.lines;
  const t0 = performance.now();
  await r.start(0);
  for (let i = 1; i < STEPS; i++) await r.sync(i * STEP_S * 1e6);
  const ms = performance.now() - t0;
  const lines = tcp.lines - before;
  await psu.close();
  await server.close();
  const traceS = STEPS * STEP_S;
  return { mode: r.mode, messagesPerTraceS: lines / traceS, hostMsPerTraceS: ms / traceS };
}

async function usbtmc(): Promise<{ queriesPerS: number; framingOverhead: number }> {
  const interpreter = new ScpiInterpreter(new SimPsu());
  const device = new FakeUsbTmcDevice({ respond: (m) => { const r = interpreter.executeLine(m.trim()); return r === undefined ? undefined : `${r}\n`; } });
  const t = new UsbTmcTransport(device);
  await t.open();
  const session = new ScpiSession(t, { timeoutMs: 2000 });
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await session.query(':MEAS:CURR? CH1');
  const s = (performance.now() - t0) / 1000;
  const wire = device.outTransfers.reduce((a, o) => a + o.length, 0);
  const payload = n * ':MEAS:CURR? CH1\n'.length;
  await session.close();
  return { queriesPerS: n / s, framingOverhead: wire / payload };
}

const points = await replay(false);
const list = await replay(true);
const usb = await usbtmc();
const result = { date: new Date().toISOString(), trace: { steps: STEPS, stepS: STEP_S }, points, list, usbtmc: usb };
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/replay.json', `${JSON.stringify(result, null, 2)}\n`);
console.log('| replay of a 10 ms-step trace (E36312A sim, TCP) | mode | SCPI messages / trace s | host ms / trace s |');
console.log('|---|---|---|---|');
for (const r of [points, list]) console.log(`| | ${r.mode} | ${r.messagesPerTraceS.toFixed(1)} | ${r.hostMsPerTraceS.toFixed(1)} |`);
console.log(`\nUSBTMC on the fake device: ${usb.queriesPerS.toFixed(0)} queries/s in-process; bulk-OUT bytes / SCPI payload bytes = ${usb.framingOverhead.toFixed(2)} (headers, padding and the REQUEST_DEV_DEP_MSG_IN per query)`);
