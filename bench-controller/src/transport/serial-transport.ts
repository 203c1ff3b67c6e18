/**
 * A serial port through node-serialport: a board's UART, an EnergyRunner DUT, a USB CDC-ACM
 * debugger. Stable names such as /dev/serial/by-id/... are resolved with realpath at every open
 * (both names appear in `address`), so a board that re-enumerates as another ttyACM is found again
 * by the same configuration; reconnecting is ReconnectingTransport's job, not this class's.
 * The binding is injectable so tests can pass @serialport/binding-mock's MockBinding; we build
 * on @serialport/stream because the `serialport` wrapper class fixes the binding to the native one.
 */
import { realpath } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { SerialPortStream, type OpenOptions } from '@serialport/stream';
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from './byte-transport.js';
import { ChunkQueue } from './chunk-queue.js';
import { hangupSafeBinding } from './hangup-safe-binding.js';

/** node-serialport's binding contract (the native one, MockBinding, or any other). */
export type SerialBinding = OpenOptions['binding'];

export interface SerialTransportOptions {
  baudRate: number;
  /** Give up opening after this long (default 5000 ms): a wedged USB driver can hang open(). */
  openTimeoutMs?: number;
  /** Defaults to the native binding detected by `serialport`. Tests pass MockBinding. */
  binding?: SerialBinding;
  /** Received chunks buffered while nobody reads before the port is paused (default 64). */
  queueChunks?: number;
}

export class SerialTransport implements ByteTransport {
  private port: SerialPortStream | undefined;
  private queue: ChunkQueue | undefined;
  private device: string;
  private closing = false;
  private readonly openTimeoutMs: number;
  private readonly queueChunks: number;

  constructor(
    private readonly path: string,
    private readonly options: SerialTransportOptions,
  ) {
    const { baudRate } = options;
    if (!Number.isInteger(baudRate) || baudRate < 50) {
      throw new EveError('TRANSPORT_BAD_OPTION', `baud rate must be a whole number >= 50, got ${baudRate}`);
    }
    this.openTimeoutMs = options.openTimeoutMs ?? 5000;
    if (!(this.openTimeoutMs > 0)) throw new EveError('TRANSPORT_BAD_OPTION', `openTimeoutMs must be > 0, got ${this.openTimeoutMs}`);
    this.queueChunks = options.queueChunks ?? 64;
    this.device = path;
  }

  /** `serial:///dev/serial/by-id/usb-X?baud=115200 (/dev/ttyACM0)` once a link has been resolved. */
  get address(): string {
    const base = `serial://${this.path}?baud=${this.options.baudRate}`;
    return this.device === this.path ? base : `${base} (${this.device})`;
  }

  get isOpen(): boolean {
    return this.port !== undefined && this.port.isOpen && !this.queue!.isDone;
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.isOpen) return;
    if (signal?.aborted) throw aborted(this.address, signal);
    // A missing path is left for the binding to report: MockBinding's ports are not files.
    this.device = await realpath(this.path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return this.path;
      throw new EveError('TRANSPORT_CONNECT_FAILED', `${this.address}: cannot resolve (${e.code})`, { retriable: true, cause: e });
    });
    if (signal?.aborted) throw aborted(this.address, signal);
    const port = new SerialPortStream({
      binding: this.options.binding ?? hangupSafeBinding(SerialPort.binding),
      path: this.device,
      baudRate: this.options.baudRate,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: EveError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          // The binding may still complete the open later: close it then rather than leak the fd.
          port.once('open', () => port.close(() => undefined));
          reject(err);
        } else resolve();
      };
      const onAbort = () => finish(aborted(this.address, signal!));
      const timer = setTimeout(() => finish(new EveError('TRANSPORT_CONNECT_TIMEOUT',
        `${this.address}: not open within ${this.openTimeoutMs} ms`, { retriable: true })), this.openTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      port.open((err) => finish(err ? new EveError('TRANSPORT_CONNECT_FAILED',
        `${this.address}: cannot open (${err.message})`, { retriable: true, cause: err }) : undefined));
    });
    const queue = new ChunkQueue(this.queueChunks, this.address);
    this.closing = false;
    port.on('data', (chunk: Buffer) => {
      if (!queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) port.pause();
    });
    port.on('error', (err: Error) => {
      queue.fail(new EveError('TRANSPORT_IO', `${this.address}: ${err.message}`, { retriable: true, cause: err }));
    });
    // serialport reports an unplugged device as 'close' with a DisconnectedError, and a read of
    // zero bytes (hang-up) as 'end'; both are a lost link worth reopening, unlike our own close().
    const lost = (err?: Error | null) => {
      if (this.closing) return queue.end();
      const why = err?.message ?? 'end of stream (hang-up)';
      queue.fail(new EveError('TRANSPORT_DISCONNECTED', `${this.address}: device went away (${why})`, { retriable: true, cause: err ?? undefined }));
      if (port.isOpen) port.close(() => undefined);
    };
    port.on('close', lost);
    port.on('end', () => lost());
    this.port = port;
    this.queue = queue;
  }

  async write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw aborted(this.address, signal);
    const port = this.port;
    if (!port || !this.isOpen) {
      throw new EveError('TRANSPORT_CLOSED', `${this.address}: write on a closed transport`, { retriable: true });
    }
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => reject(new EveError('TRANSPORT_IO', `${this.address}: write failed (${e.message})`, { retriable: true, cause: e }));
      // Copy: the stream may hold the buffer after we resolve and the caller may reuse it.
      port.write(Buffer.from(bytes), (err) => {
        if (err) return fail(err);
        // Resolve once the bytes left the OS buffer, so a following read sees the reply to them.
        port.drain((e) => (e ? fail(e) : resolve()));
      });
    });
  }

  read(): AsyncIterable<Uint8Array> {
    const queue = this.queue;
    if (!queue) throw new EveError('TRANSPORT_CLOSED', `${this.address}: read before open`);
    return queue.iterate(() => this.port?.resume());
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.closing = true;
    this.queue?.end();
    if (!port.isOpen) return;
    await new Promise<void>((resolve, reject) => port.close((err) => (err
      ? reject(new EveError('TRANSPORT_IO', `${this.address}: close failed (${err.message})`, { cause: err }))
      : resolve())));
  }
}

function aborted(address: string, signal: AbortSignal): EveError {
  return new EveError('TRANSPORT_ABORTED', `${address}: aborted`, { cause: signal.reason });
}
