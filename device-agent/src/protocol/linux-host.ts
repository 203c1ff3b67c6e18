/**
 * The BoardHost of a Linux-class board (e.g. a Raspberry Pi on harvested power) running
 * `eve agent`: the same runtime and package slot as the virtual board, with the process's
 * monotonic clock as the device clock. Linux cannot see its own supply rail, so `waitCharged`
 * answers at once and the capacitor voltage is reported as NaN; cycles are not counted (0).
 */
import { argmax } from '../runtime/kernels.js';
import type { BoardHost, DeployState } from './board-host.js';
import { BoardFault } from './board-fault.js';
import { MAX_BODY_BYTES } from './frame.js';
import { NakCode, type Counters, type Identity, type InferResult } from './messages.js';
import { PackageStore } from './package-store.js';

export interface LinuxHostOptions {
  boardId: string;
  /** Monotonic device clock, microseconds (e.g. from process.hrtime.bigint()). */
  nowUs(): number;
  /** Blocks for `us` microseconds: the agent does nothing else while the board sleeps. */
  sleepUs(us: number): void;
  maxPackageBytes?: number;
}

export class LinuxHost implements BoardHost {
  private readonly store: PackageStore;
  private mode = 0;
  private inferences = 0;

  constructor(private readonly o: LinuxHostOptions) {
    this.store = new PackageStore(o.maxPackageBytes ?? 64 * 1024 * 1024);
  }

  nowUs(): number {
    return this.o.nowUs();
  }

  identify(): Identity {
    return { protocolVersion: 1, boardId: this.o.boardId, deviceProfile: 'linux-node', firmware: 'eve-agent-0.1', maxChunkBytes: MAX_BODY_BYTES - 4 };
  }

  deployBegin(totalBytes: number, crc32: number): DeployState {
    return this.store.begin(totalBytes, crc32);
  }

  deployChunk(offset: number, data: Uint8Array): DeployState {
    return this.store.write(offset, data);
  }

  deployCommit(): DeployState {
    const d = this.store.commit();
    this.mode = 0;
    return d;
  }

  selectMode(mode: number): void {
    this.store.model(mode);
    this.mode = mode;
  }

  infer(input: Uint8Array): InferResult {
    const model = this.store.model(this.mode);
    if (input.length !== model.inputLength) throw new BoardFault(NakCode.BadInput, `input has ${input.length} bytes, model takes ${model.inputLength}`);
    const startUs = this.o.nowUs();
    const out = model.runUint8(input);
    const endUs = this.o.nowUs();
    this.inferences++;
    const output = Float32Array.from(out); // copy: the workspace is reused
    return { predicted: argmax(output), mode: this.mode, startUs, endUs, cycles: 0, output };
  }

  readCounters(): Counters {
    return { nowUs: this.o.nowUs(), inferences: this.inferences, brownOuts: 0, resets: 0, capacitorV: Number.NaN, mode: this.mode };
  }

  waitCharged(): number {
    return this.o.nowUs();
  }

  idle(durationUs: number): number {
    if (!(durationUs >= 0) || durationUs > 3.6e9) throw new BoardFault(NakCode.BadRequest, `idle of ${durationUs} us is out of range`);
    this.o.sleepUs(durationUs);
    return this.o.nowUs();
  }
}
