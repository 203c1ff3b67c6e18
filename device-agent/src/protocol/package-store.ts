/**
 * The board's non-volatile package slot: a chunked, resumable upload that is loaded only after
 * the CRC of the whole package matches what the host announced. Shared by the virtual board and
 * the Linux agent, so both refuse, resume and verify the same way.
 */
import { readPackage } from '../format/reader.js';
import type { EvePackage } from '../format/package-types.js';
import { createWorkspace, extract, type RunnableModel } from '../runtime/extract.js';
import type { DeployState } from './board-host.js';
import { BoardFault } from './board-fault.js';
import { NakCode, deployChecksum } from './messages.js';

export class PackageStore {
  private deploy: DeployState | undefined;
  private loaded: { pkg: EvePackage; crc: number; models: RunnableModel[] } | undefined;

  constructor(private readonly maxBytes: number) {}

  /** Starts a deploy, or resumes the one in progress if size and CRC match. */
  begin(totalBytes: number, crc: number): DeployState {
    if (!Number.isInteger(totalBytes) || totalBytes < 1 || totalBytes > this.maxBytes) {
      throw new BoardFault(NakCode.TooLarge, `package of ${totalBytes} bytes does not fit (max ${this.maxBytes})`);
    }
    if (!this.deploy || this.deploy.totalBytes !== totalBytes || this.deploy.crc32 !== crc || this.deploy.committed) {
      this.deploy = { totalBytes, crc32: crc, receivedBytes: 0, committed: false, buffer: new Uint8Array(totalBytes) };
    }
    return this.deploy;
  }

  /** Checks a chunk without writing it (so a brown-out can strike between check and write). */
  check(offset: number, data: Uint8Array): DeployState {
    const d = this.deploy;
    if (!d || d.committed) throw new BoardFault(NakCode.BadRequest, 'no deploy in progress');
    if (offset !== d.receivedBytes) throw new BoardFault(NakCode.BadOffset, `expected offset ${d.receivedBytes}`);
    if (offset + data.length > d.totalBytes) throw new BoardFault(NakCode.TooLarge, `chunk runs past ${d.totalBytes} bytes`);
    return d;
  }

  write(offset: number, data: Uint8Array): DeployState {
    const d = this.check(offset, data);
    d.buffer.set(data, offset);
    d.receivedBytes += data.length;
    return d;
  }

  /** Verifies the CRC of the whole package and loads it; a package that fails is discarded. */
  commit(): DeployState {
    const d = this.deploy;
    if (!d || d.receivedBytes !== d.totalBytes) throw new BoardFault(NakCode.BadRequest, `package incomplete (${d?.receivedBytes ?? 0}/${d?.totalBytes ?? 0})`);
    if (d.committed) return d;
    // discarded so the host's retry starts from byte 0 instead of "resuming" a corrupt upload forever
    if (deployChecksum(d.buffer) !== d.crc32) {
      this.deploy = undefined;
      throw new BoardFault(NakCode.PackageCrc, 'package CRC does not match what deployBegin announced');
    }
    let pkg: EvePackage;
    try {
      pkg = readPackage(d.buffer);
    } catch (e) {
      this.deploy = undefined;
      throw new BoardFault(NakCode.PackageInvalid, (e as Error).message, e);
    }
    const ws = createWorkspace(pkg);
    this.loaded = { pkg, crc: d.crc32, models: pkg.modes.map((_, m) => extract(pkg, m, ws)) };
    d.committed = true;
    return d;
  }

  get packageCrc(): number {
    return this.loaded?.crc ?? 0;
  }

  get modeCount(): number {
    return this.loaded?.models.length ?? 0;
  }

  /** The runnable model of `mode`; NAK NoPackage / BadMode when there is none. */
  model(mode: number): RunnableModel {
    if (!this.loaded) throw new BoardFault(NakCode.NoPackage, 'no package deployed');
    const m = this.loaded.models[mode];
    if (!m) throw new BoardFault(NakCode.BadMode, `mode ${mode} not in 0..${this.loaded.models.length - 1}`);
    return m;
  }
}
