/**
 * Health checks: ping a board with a timeout; a board that does not answer is power-cycled through
 * its supply channel and pinged again. A recovered board goes back to the pool; every check that
 * found the board silent counts as a failure, and a clean answer resets the count, so a board
 * that hangs K checks in a row (recovered or not) is quarantined: persisted in the FleetStore,
 * powered off, and skipped until released explicitly. Every action is published as an event.
 */
import { EveError, isEveError } from '@eve-bench/device-agent';
import type { PowerSupply } from '../instruments/psu/power-supply.js';
import type { TelemetrySink } from '../telemetry/sink.js';
import type { Timers } from '../boards/waitress.js';
import type { BoardLifecycle } from './board-lifecycle.js';
import type { BoardLink } from './board-link.js';
import type { FleetStore } from './fleet-store.js';

export interface HealthTarget {
  id: string;
  connect(): Promise<BoardLink>;
  /** The channel that powers the board; limits are enforced by the (Safe)PowerSupply. */
  psu: PowerSupply;
  channel: number;
  railVoltageV: number;
  currentLimitA: number;
}

export interface HealthOptions {
  store: FleetStore;
  sink?: TelemetrySink;
  quarantineAfter: number;
  pingTimeoutMs: number;
  /** How long the rail stays off in a power-cycle (capacitors drain, the MCU resets). */
  offMs: number;
  /** How long a board takes to boot after power-on. */
  bootMs: number;
  timers: Timers;
}

export type HealthOutcome = 'healthy' | 'recovered' | 'failed' | 'quarantined';

export interface HealthReport {
  board: string;
  outcome: HealthOutcome;
  /** What the board called itself when it answered. */
  identity?: string;
  consecutiveFailures: number;
  powerCycles: number;
  detail: string;
}

export class HealthChecker {
  constructor(private readonly o: HealthOptions) {}

  async check(t: HealthTarget, life: BoardLifecycle): Promise<HealthReport> {
    const report = (outcome: HealthOutcome, detail: string, powerCycles: number, identity?: string): HealthReport => ({
      board: t.id, outcome, consecutiveFailures: this.o.store.health(t.id).consecutiveFailures, powerCycles, detail, ...(identity ? { identity } : {}),
    });
    const h = this.o.store.health(t.id);
    if (h.quarantined) {
      if (life.canMove('quarantined')) life.move('quarantined', 'persisted quarantine');
      return report('quarantined', `quarantined: ${h.reason ?? 'no reason recorded'}`, 0);
    }
    // Released since this process saw it quarantined: start again from off.
    if (life.state === 'quarantined') life.move('off', 'quarantine released');
    let cycles = 0;
    // A board in an unknown or failed state is first brought back to known: power-cycle.
    if (life.state === 'failed') {
      await this.powerCycle(t, life, 'was failed');
      cycles++;
    } else if (life.state === 'off') {
      await this.powerOn(t, life, 'health check');
    }
    const first = await this.ping(t);
    if (first.ok) {
      this.o.store.recordOk(t.id);
      if (life.state !== 'ready') life.move('ready', 'answered');
      return report('healthy', `answered as ${first.identity}`, cycles, first.identity);
    }
    // Silence is a timeout; a refusal (a NAK, a closed port) is a fault: both count as a failure.
    await this.event(t.id, first.timedOut ? 'timeout' : 'fault', `no answer: ${first.reason}`);
    life.move('failed', first.reason);
    const after = this.o.store.recordFailure(t.id, first.reason, this.o.quarantineAfter);
    if (after.quarantined) return this.quarantine(t, life, first.reason, after.consecutiveFailures, cycles);
    await this.powerCycle(t, life, first.reason);
    cycles++;
    const second = await this.ping(t);
    if (second.ok) {
      life.move('ready', 'answered after power-cycle');
      return report('recovered', `answered as ${second.identity} after a power-cycle`, cycles, second.identity);
    }
    life.move('failed', second.reason);
    return report('failed', `no answer after a power-cycle: ${second.reason}`, cycles);
  }

  private async quarantine(t: HealthTarget, life: BoardLifecycle, reason: string, failures: number, cycles: number): Promise<HealthReport> {
    await t.psu.setOutput(t.channel, false);
    life.move('quarantined', reason);
    const detail = `quarantined after ${failures} consecutive failed checks: ${reason}`;
    await this.event(t.id, 'quarantine', detail);
    return { board: t.id, outcome: 'quarantined', consecutiveFailures: failures, powerCycles: cycles, detail };
  }

  private async ping(t: HealthTarget): Promise<{ ok: true; identity: string } | { ok: false; reason: string; timedOut: boolean }> {
    let link: BoardLink | undefined;
    try {
      link = await t.connect();
      const identity = await this.withTimeout(link.ping(), `${t.id}: no answer to ping within ${this.o.pingTimeoutMs} ms`);
      return { ok: true, identity };
    } catch (e) {
      return { ok: false, reason: isEveError(e) ? `${e.message} [${e.code}]` : (e as Error).message, timedOut: isEveError(e, 'BOARD_TIMEOUT') };
    } finally {
      await link?.close().catch(() => undefined);
    }
  }

  private async powerOn(t: HealthTarget, life: BoardLifecycle, reason: string): Promise<void> {
    await t.psu.setVoltage(t.channel, t.railVoltageV);
    await t.psu.setCurrentLimit(t.channel, t.currentLimitA);
    await t.psu.setOutput(t.channel, true);
    await this.sleep(this.o.bootMs);
    life.move('powered', reason);
  }

  private async powerCycle(t: HealthTarget, life: BoardLifecycle, reason: string): Promise<void> {
    await t.psu.setOutput(t.channel, false);
    life.move('off', `power-cycle: ${reason}`);
    await this.sleep(this.o.offMs);
    await this.powerOn(t, life, 'power-cycle');
    await this.event(t.id, 'powerCycle', `channel ${t.channel} off for ${this.o.offMs} ms: ${reason}`);
  }

  private withTimeout<T>(p: Promise<T>, message: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const h = this.o.timers.setTimeout(() => reject(new EveError('BOARD_TIMEOUT', message, { retriable: true })), this.o.pingTimeoutMs);
      p.then(resolve, reject).finally(() => this.o.timers.clearTimeout(h));
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.timers.setTimeout(resolve, ms));
  }

  private async event(board: string, kind: 'timeout' | 'fault' | 'powerCycle' | 'quarantine', detail: string): Promise<void> {
    await this.o.sink?.publish('event', board, { kind, detail, deviceTimeUs: null });
  }
}
