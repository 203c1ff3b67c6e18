import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultVirtualBoards, startVirtualLab, type VirtualLab } from '../lab/virtual-lab.js';
import { createTransport } from '../transport/transport-url.js';
import type { ByteTransport } from '../transport/byte-transport.js';
import { ScpiSession } from '../scpi/scpi-session.js';
import { openPowerSupply } from '../instruments/psu/open-power-supply.js';
import { SafePowerSupply } from '../instruments/psu/safe-power-supply.js';
import type { PowerSupply } from '../instruments/psu/power-supply.js';
import { realTimers } from '../boards/waitress.js';
import { MemoryTelemetrySink } from '../telemetry/sink.js';
import { BoardLifecycle } from './board-lifecycle.js';
import { linkOver } from './board-link.js';
import { FleetStore } from './fleet-store.js';
import { HealthChecker, type HealthTarget } from './health-check.js';

/**
 * A hung board, until the virtual boards' fault injection lands: its link swallows every byte
 * the bench writes while `hung`, and a power-cycle clears the hang unless the fault is `stuck`.
 * To switch to the injected fault, replace `Fault` with the virtual board's hang injection and
 * drop the two wrappers below; the assertions stay as they are.
 */
interface Fault { hung: boolean; stuck: boolean }

function swallowing(inner: ByteTransport, fault: Fault): ByteTransport {
  return {
    get address() { return inner.address; },
    get isOpen() { return inner.isOpen; },
    open: (s) => inner.open(s),
    write: async (bytes, s) => { if (!fault.hung) await inner.write(bytes, s); },
    read: () => inner.read(),
    close: () => inner.close(),
  };
}

/** The supply as wired to the faulty board: switching its channel off resets the MCU. */
function resettingOnPowerOff(psu: PowerSupply, channel: number, fault: Fault): PowerSupply {
  return new Proxy(psu, {
    get(target, key) {
      if (key === 'setOutput') {
        return async (ch: number, on: boolean) => {
          await target.setOutput(ch, on);
          if (ch === channel && !on && !fault.stuck) fault.hung = false;
        };
      }
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

let lab: VirtualLab;
let psu: SafePowerSupply;
let dir: string;

beforeAll(async () => {
  lab = await startVirtualLab({ host: '127.0.0.1', boards: defaultVirtualBoards() });
  const t = createTransport(lab.psuUrl, { connectTimeoutMs: 2000 });
  await t.open();
  psu = new SafePowerSupply(await openPowerSupply(new ScpiSession(t, { timeoutMs: 2000 })), {
    1: { maxVoltageV: 3.6, maxCurrentA: 0.05 }, 2: { maxVoltageV: 3.6, maxCurrentA: 0.05 },
  });
  dir = mkdtempSync(join(tmpdir(), 'eve-health-'));
});

afterAll(async () => {
  await psu?.close();
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HealthChecker against the virtual lab', () => {
  let fault: Fault;
  let store: FleetStore;
  let sink: MemoryTelemetrySink;
  let checker: HealthChecker;
  let target: HealthTarget;
  let life: BoardLifecycle;
  let n = 0;

  beforeEach(() => {
    fault = { hung: false, stuck: false };
    store = new FleetStore(join(dir, `fleet-${++n}.sqlite`));
    sink = new MemoryTelemetrySink('test-bench');
    checker = new HealthChecker({ store, sink, quarantineAfter: 2, pingTimeoutMs: 300, offMs: 5, bootMs: 5, timers: realTimers });
    const board = lab.boards[0]!;
    target = {
      id: board.spec.id,
      psu: resettingOnPowerOff(psu, board.spec.channel, fault),
      channel: board.spec.channel,
      railVoltageV: 3.3,
      currentLimitA: 0.05,
      connect: async () => {
        const t = swallowing(createTransport(board.url, { connectTimeoutMs: 2000 }), fault);
        await t.open();
        return linkOver(t, 'eve', 300);
      },
    };
    life = new BoardLifecycle(board.spec.id);
  });

  const events = () => sink.messages.map((m) => (m.payload as { kind: string }).kind);

  it('powers a board on and finds it healthy', async () => {
    const r = await checker.check(target, life);
    expect(r).toMatchObject({ outcome: 'healthy', identity: 'vboard-1', consecutiveFailures: 0, powerCycles: 0 });
    expect(life.state).toBe('ready');
    expect(lab.psu.channel(1).setpoint().outputOn).toBe(true);
  });

  it('detects a hung board by timeout, power-cycles it, checks it and returns it to the pool', async () => {
    await checker.check(target, life);
    fault.hung = true;
    const r = await checker.check(target, life);
    expect(r).toMatchObject({ outcome: 'recovered', identity: 'vboard-1', consecutiveFailures: 1, powerCycles: 1 });
    expect(life.state).toBe('ready');
    expect(events()).toEqual(['timeout', 'powerCycle']);
    expect(sink.messages[0]!.topic).toBe('eve/v1/test-bench/vboard-1/event');
    expect((await checker.check(target, life)).consecutiveFailures).toBe(0);
  });

  it('reports a board that refuses (not silent) as a fault, and still counts it', async () => {
    const refusing: HealthTarget = { ...target, connect: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:9'); } };
    const r = await checker.check(refusing, life);
    expect(r).toMatchObject({ outcome: 'failed', consecutiveFailures: 1, detail: 'no answer after a power-cycle: connect ECONNREFUSED 127.0.0.1:9' });
    expect(events()).toEqual(['fault', 'powerCycle']);
  });

  it('quarantines a board that fails K consecutive checks, persists it and powers it off', async () => {
    fault.hung = true;
    fault.stuck = true;
    expect((await checker.check(target, life)).outcome).toBe('failed');
    expect(life.state).toBe('failed');
    const r = await checker.check(target, life);
    expect(r).toMatchObject({ outcome: 'quarantined', consecutiveFailures: 2 });
    expect(life.state).toBe('quarantined');
    expect(store.health('vboard-1').quarantined).toBe(true);
    expect(lab.psu.channel(1).setpoint().outputOn).toBe(false);
    expect(events()).toEqual(['timeout', 'powerCycle', 'powerCycle', 'timeout', 'quarantine']);
    // Still quarantined for a fresh process, even once the board would answer again.
    fault.hung = false;
    expect((await checker.check(target, new BoardLifecycle('vboard-1'))).outcome).toBe('quarantined');
    // Only an explicit release brings it back, through power-on.
    store.releaseQuarantine('vboard-1');
    fault.stuck = false;
    expect(await checker.check(target, life)).toMatchObject({ outcome: 'healthy', consecutiveFailures: 0 });
    expect(life.state).toBe('ready');
  });
});
