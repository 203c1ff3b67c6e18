/**
 * The DUT side of the MLPerf Tiny EnergyRunner text protocol, so a board (virtual or Linux) can be
 * driven by EnergyRunner-style hosts as well as by the EVE framed protocol. Commands end with '%';
 * every reply ends with the line 'm-ready'; errors are 'e-[...]'. Supported: name%, profile%,
 * timestamp%, db load N%, db HEX%, infer N W%, results%. The model is the board's deployed
 * package in its selected mode; the input is the loaded database buffer.
 */
import type { BoardHost } from './board-host.js';

const MAX_LINE = 512;
const MAX_DB_BYTES = 1 << 20;

export class EnergyRunnerAgent {
  private line = '';
  private db: Uint8Array | undefined;
  private dbFilled = 0;
  private last: Float32Array | undefined;
  private send: (bytes: Uint8Array) => void;

  constructor(private readonly host: BoardHost, send: (bytes: Uint8Array) => void, private readonly name = 'eve') {
    this.send = send;
  }

  rebind(send: (bytes: Uint8Array) => void): void {
    this.send = send;
    this.line = '';
  }

  receive(chunk: Uint8Array): void {
    for (const b of chunk) {
      const c = String.fromCharCode(b);
      if (c === '%') {
        this.reply(this.handle(this.line.trim()));
        this.line = '';
      } else if (c !== '\r' && c !== '\n') {
        if (this.line.length >= MAX_LINE) { this.line = ''; this.reply(['e-[command too long]']); continue; }
        this.line += c;
      }
    }
  }

  private reply(lines: string[]): void {
    this.send(new TextEncoder().encode([...lines, 'm-ready'].map((l) => `${l}\r\n`).join('')));
  }

  private handle(cmd: string): string[] {
    const args = cmd.split(/\s+/).filter(Boolean);
    try {
      switch (args[0]) {
        case 'name': return [`m-name-dut-[${this.name}]`];
        case 'profile': return ['m-profile-[ulp-mlperf]', `m-model-[${this.host.identify().boardId}]`];
        case 'timestamp': return [`m-lap-us-${Math.round(this.host.nowUs())}`];
        case 'db': return this.database(args.slice(1));
        case 'infer': return this.infer(args.slice(1));
        case 'results': return this.last ? [`m-results-[${[...this.last].map((v) => v.toFixed(3)).join(',')}]`] : ['e-[no results yet]'];
        default: return [`e-[Unknown command: ${cmd.slice(0, 64)}]`];
      }
    } catch (e) {
      return [`e-[${(e as Error).message.replace(/[\[\]\r\n]/g, ' ').slice(0, 200)}]`];
    }
  }

  private database(args: string[]): string[] {
    if (args[0] === 'load') {
      const n = Number(args[1]);
      if (!Number.isInteger(n) || n < 1 || n > MAX_DB_BYTES) return [`e-[db load needs a size 1..${MAX_DB_BYTES}]`];
      this.db = new Uint8Array(n);
      this.dbFilled = 0;
      return [`m-[Expecting ${n} bytes]`];
    }
    const hex = args[0] ?? '';
    if (!this.db) return ['e-[db load first]'];
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return ['e-[db: not hex]'];
    if (this.dbFilled + hex.length / 2 > this.db.length) return ['e-[db: more bytes than announced]'];
    for (let i = 0; i < hex.length; i += 2) this.db[this.dbFilled++] = parseInt(hex.slice(i, i + 2), 16);
    return this.dbFilled === this.db.length ? ['m-load-done'] : [];
  }

  private infer(args: string[]): string[] {
    const n = Number(args[0] ?? 1);
    const w = Number(args[1] ?? 0);
    if (!Number.isInteger(n) || n < 1 || n > 100_000 || !Number.isInteger(w) || w < 0 || w > 1000) return ['e-[infer N W: N 1..100000, W 0..1000]'];
    if (!this.db || this.dbFilled !== this.db.length) return ['e-[no input loaded]'];
    const out = [`m-warmup-start-${w}`];
    for (let i = 0; i < w; i++) this.host.infer(this.db);
    out.push('m-warmup-done', `m-infer-start-${n}`, `m-lap-us-${Math.round(this.host.nowUs())}`);
    let r = this.host.infer(this.db);
    for (let i = 1; i < n; i++) r = this.host.infer(this.db);
    out.push(`m-lap-us-${Math.round(this.host.nowUs())}`, 'm-infer-done');
    this.last = r.output;
    out.push(`m-results-[${[...r.output].map((v) => v.toFixed(3)).join(',')}]`);
    return out;
  }
}
