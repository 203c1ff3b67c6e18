/**
 * A virtual board: device-agent's runtime inside a simulated MCU. Its clock advances by the
 * cycles the cost model charges for each inference; its power comes through a PowerNode (a rail
 * capacitor fed by a supply channel). It implements BoardHost, so the same BoardAgent that a
 * Linux board runs serves it over any byte stream. It records the ground truth of every
 * inference (latency, energy drawn at the rail) for checking the bench's measurements.
 */
import { EveError } from '../errors/eve-error.js';
import { argmax } from '../runtime/kernels.js';
import { estimateInference } from '../cost/cost-model.js';
import type { DeviceProfile } from '../cost/device-profile.js';
import type { BoardHost, DeployState } from '../protocol/board-host.js';
import type { Counters, Identity, InferResult } from '../protocol/messages.js';
import { NakCode, deployChecksum } from '../protocol/messages.js';
import { MAX_BODY_BYTES } from '../protocol/frame.js';
import { BoardFault } from '../protocol/board-fault.js';
import { PackageStore } from '../protocol/package-store.js';
import type { PowerNode } from './power-node.js';
import type { SimClock } from './sim-clock.js';
import { BoardSilent, type FaultPlan } from './faults.js';

export interface VirtualBoardOptions {
  boardId: string;
  profile: DeviceProfile;
  clock: SimClock;
  power: PowerNode;
  /** Largest package the board's non-volatile memory holds. */
  maxPackageBytes?: number;
  /** Longest simulated wait for the rail to charge before a request fails. */
  maxChargeWaitS?: number;
  /** Faults to suffer (see faults.ts); more can be injected later. */
  faults?: FaultPlan;
  /** Wall clock, ms (boot time is wall time: it is the host that waits); needed for `bootMs`. */
  wallClockMs?: () => number;
}

export interface TruthRecord {
  packageCrc: number;
  mode: number;
  latencyUs: number;
  /** Energy the MCU drew from the rail during the inference. */
  energyJ: number;
  completed: boolean;
}


export class VirtualBoard implements BoardHost {
  private readonly store: PackageStore;
  private mode = 0;
  private counters = { inferences: 0, brownOuts: 0, resets: 0 };
  private readonly truth: TruthRecord[] = [];
  private readonly maxWaitS: number;
  private faults: FaultPlan = {};
  private hung = false;
  private bootedAtMs: number | undefined;
  private offCountSeen: number;

  constructor(private readonly o: VirtualBoardOptions) {
    this.store = new PackageStore(o.maxPackageBytes ?? 512 * 1024);
    this.maxWaitS = o.maxChargeWaitS ?? 3600;
    this.offCountSeen = o.power.supplyOffCount();
    this.injectFaults(o.faults ?? {});
  }

  /** Replaces the fault plan (each fault fires once). */
  injectFaults(plan: FaultPlan): void {
    if (plan.bootMs !== undefined && !this.o.wallClockMs) throw new EveError('FAULT_PLAN', 'a slow boot needs the board to have a wall clock (wallClockMs)');
    this.faults = { ...plan };
  }

  /** Whether the board is hung (stops answering until its supply is power-cycled). */
  get isHung(): boolean {
    return this.hung;
  }

  /**
   * Every request passes here first: a power cycle since the last request reboots the board
   * (clearing a hang); a hung or booting board answers nothing.
   */
  private gate(): void {
    const off = this.o.power.supplyOffCount();
    if (off !== this.offCountSeen) {
      this.offCountSeen = off;
      this.hung = false;
      this.reboot();
    }
    if (this.hung) throw new BoardSilent(`${this.o.boardId} is hung`);
    if (this.bootedAtMs !== undefined && this.o.wallClockMs!() < this.bootedAtMs) throw new BoardSilent(`${this.o.boardId} is booting`);
    if (this.faults.hangAfterRequests !== undefined && this.faults.hangAfterRequests-- <= 0) {
      this.faults.hangAfterRequests = undefined;
      this.hung = true;
      throw new BoardSilent(`${this.o.boardId} hangs (injected)`);
    }
  }

  /** Reset: RAM state (selected mode) is lost; the package and deploy progress live in non-volatile memory. */
  private reboot(): void {
    this.counters.resets++;
    this.mode = 0;
    if (this.faults.bootMs !== undefined) this.bootedAtMs = this.o.wallClockMs!() + this.faults.bootMs;
  }

  private injectedBrownOut(what: string): never {
    this.counters.brownOuts++;
    this.reboot();
    throw new BoardSilent(`${this.o.boardId} browned out ${what} (injected)`);
  }

  nowUs(): number {
    return this.o.clock.nowUs();
  }

  identify(): Identity {
    this.gate();
    this.ensurePowered();
    return { protocolVersion: 1, boardId: this.o.boardId, deviceProfile: this.o.profile.name, firmware: 'eve-virtual-0.1', maxChunkBytes: MAX_BODY_BYTES - 4 };
  }

  deployBegin(totalBytes: number, crc: number): DeployState {
    this.gate();
    this.ensurePowered();
    return this.store.begin(totalBytes, crc);
  }

  deployChunk(offset: number, data: Uint8Array): DeployState {
    this.gate();
    this.store.check(offset, data);
    const at = this.faults.brownOutAtDeployByte;
    if (at !== undefined && at >= offset && at < offset + data.length) {
      this.faults.brownOutAtDeployByte = undefined;
      this.injectedBrownOut(`writing deploy byte ${at}`);
    }
    return this.store.write(offset, data);
  }

  deployCommit(): DeployState {
    this.gate();
    const d = this.store.commit();
    this.mode = 0;
    return d;
  }

  /** Installs a package as a programmer would flash firmware (for boards without a deploy protocol). */
  flash(pkg: Uint8Array): void {
    this.deployBegin(pkg.length, deployChecksum(pkg));
    this.deployChunk(0, pkg);
    this.deployCommit();
  }

  selectMode(mode: number): void {
    this.gate();
    this.store.model(mode);
    this.mode = mode;
  }

  infer(input: Uint8Array): InferResult {
    this.gate();
    const model = this.store.model(this.mode);
    if (input.length !== model.inputLength) throw new BoardFault(NakCode.BadInput, `input has ${input.length} bytes, model takes ${model.inputLength}`);
    if (this.faults.brownOutAtInference !== undefined && --this.faults.brownOutAtInference <= 0) {
      this.faults.brownOutAtInference = undefined;
      this.injectedBrownOut('starting an inference');
    }
    this.ensurePowered();
    const cost = estimateInference(this.o.profile, model.ops, input.length, 'float32');
    this.waitReady(cost.seconds);
    const startUs = this.o.clock.nowUs();
    const r = this.o.power.run(cost.seconds, this.o.profile.activeCurrentA);
    this.o.clock.advanceUs(r.elapsedS * 1e6);
    this.truth.push({ packageCrc: this.store.packageCrc, mode: this.mode, latencyUs: r.elapsedS * 1e6, energyJ: r.loadEnergyJ, completed: r.completed });
    if (!r.completed) {
      this.counters.brownOuts++;
      this.ensurePowered();
      throw new BoardFault(NakCode.BrownOut, `brown-out after ${(r.elapsedS * 1e6).toFixed(1)} us of a ${(cost.seconds * 1e6).toFixed(1)} us inference`);
    }
    this.counters.inferences++;
    const output = Float32Array.from(model.runUint8(input)); // copy: the workspace is reused
    return { predicted: argmax(output), mode: this.mode, startUs, endUs: this.o.clock.nowUs(), cycles: cost.cycles, output };
  }

  readCounters(): Counters {
    this.gate();
    return { nowUs: this.o.clock.nowUs(), ...this.counters, capacitorV: this.o.power.voltageV, mode: this.mode };
  }

  /** Sleeps until the rail is back at the supply setpoint (or fails after maxChargeWaitS). */
  waitCharged(): number {
    this.gate();
    const target = this.o.power.setpointV();
    const r = this.o.power.waitUntil(target, this.o.profile.sleepCurrentA, this.maxWaitS);
    this.o.clock.advanceUs(r.elapsedS * 1e6);
    if (!r.completed) throw new BoardFault(NakCode.BrownOut, `rail did not reach ${target.toFixed(3)} V within ${this.maxWaitS} s (at ${this.o.power.voltageV.toFixed(3)} V)`);
    return this.o.clock.nowUs();
  }

  /**
   * Sleeps for `durationUs`. If the rail cannot carry even the sleep current, the MCU browns out,
   * sits in reset (drawing nothing) until the rail is back at turn-on, and sleeps on.
   */
  idle(durationUs: number): number {
    this.gate();
    if (!(durationUs >= 0) || durationUs > 3.6e9) throw new BoardFault(NakCode.BadRequest, `idle of ${durationUs} us is out of range`);
    this.ensurePowered();
    const endUs = this.o.clock.nowUs() + durationUs;
    // each brown-out cycle takes the rail from turn-on to brown-out, a finite time; the bound only
    // guards against a degenerate rail (a capacitor so small that cycles are ~0 s long)
    for (let cycles = 0; this.o.clock.nowUs() < endUs && cycles < 100_000; cycles++) {
      const leftS = (endUs - this.o.clock.nowUs()) / 1e6;
      const r = this.o.power.run(leftS, this.o.profile.sleepCurrentA);
      this.o.clock.advanceUs(r.elapsedS * 1e6);
      if (r.completed) break;
      this.counters.brownOuts++;
      const w = this.o.power.waitUntil(this.o.power.opts.turnOnV, 0, Math.max(0, (endUs - this.o.clock.nowUs()) / 1e6));
      this.o.clock.advanceUs(w.elapsedS * 1e6);
      if (!w.reached) break; // interval over while in reset; the next request waits for power
      this.counters.resets++;
    }
    return this.o.clock.nowUs();
  }

  /** Ground truth of every inference so far (virtual boards only; the bench never reads it). */
  groundTruth(): readonly TruthRecord[] {
    return this.truth;
  }

  /**
   * Energy-aware firmware: before starting work, sleep until the capacitor alone could carry the
   * inference and still end at the turn-on level — V ≥ turnOn + I·t/C (a constant-current load
   * discharges linearly; harvest during the run only helps) — or until the supply setpoint if the
   * capacitor is too small for that.
   */
  private waitReady(seconds: number): void {
    const { turnOnV, capacitanceF } = this.o.power.opts;
    const ready = Math.min(turnOnV + (this.o.profile.activeCurrentA * seconds) / capacitanceF, this.o.power.setpointV());
    if (this.o.power.voltageV >= ready) return;
    const r = this.o.power.waitUntil(ready, this.o.profile.sleepCurrentA, this.maxWaitS);
    this.o.clock.advanceUs(r.elapsedS * 1e6);
    if (!r.reached) throw new BoardFault(NakCode.BrownOut, `rail stuck at ${this.o.power.voltageV.toFixed(3)} V below ${ready.toFixed(3)} V`);
  }

  /** If the rail is below turn-on, the MCU is in reset: wait (drawing nothing) until it boots. */
  private ensurePowered(): void {
    if (this.o.power.voltageV >= this.o.power.opts.turnOnV) return;
    const r = this.o.power.waitUntil(this.o.power.opts.turnOnV, 0, this.maxWaitS);
    this.o.clock.advanceUs(r.elapsedS * 1e6);
    if (!r.completed) throw new BoardFault(NakCode.BrownOut, `board unpowered: rail ${this.o.power.voltageV.toFixed(3)} V below turn-on ${this.o.power.opts.turnOnV} V`);
    this.counters.resets++;
  }
}
