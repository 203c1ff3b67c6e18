/**
 * A serial port through the `serialport` package: a board's UART, an EnergyRunner DUT, a USB
 * CDC-ACM debugger. Stable names such as /dev/serial/by-id/... are resolved when the port opens
 * (both names appear in `address`), so a board that re-enumerates as another ttyACM is reopened
 * by the same configuration. The port factory is injectable so tests can use serialport's
 * SerialPortMock.
 */
import { realpath } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from './byte-transport.js';
import { ChunkQueue } from './chunk-queue.js';

/** The part of serialport's stream this transport uses (SerialPort and SerialPortMock both fit). */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  write(data: Buffer, cb: (err: Error | null | undefined) => void): boolean;
  drain(cb: (err: Error | null) => void): void;
  close(cb: (err: Error | null) => void): void;
  pause(): unknown;
  resume(): unknown;
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'close', fn: () => void): unknown;
}

export type SerialPortFactory = (o: { path: string; baudRate: number; autoOpen: false }) => SerialPortLike;

export interface SerialTransportOptions {
  baudRate: number;
  /** Creates the port; defaults to serialport's native SerialPort. Tests pass SerialPortMock. */
  portFactory?: SerialPortFactory;
  queueChunks?: number;
}

export class SerialTransport implements ByteTransport {
  address: string;
  private port: SerialPortLike | undefined;
  private queue: ChunkQueue | undefined;

  constructor(private readonly path: string, private readonly o: SerialTransportOptions) {
    if (!Number.isInteger(o.baudRate) || o.baudRate < 50) throw new EveError('TRANSPORT_BAD_OPTION', `baud rate must be a whole number >= 50, got ${o.baudRate}`);
    this.address = `serial://${path}?baud=${o.baudRate}`;
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true && !this.queue!.isDone;
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.isOpen) return;
    if (signal?.aborted) throw new EveError('TRANSPORT_ABORTED', `${this.address}: aborted`, { cause: signal.reason });
    let device = this.path;
    if (!this.o.portFactory) {
      device = await realpath(this.path).catch((e: NodeJS.ErrnoException) => {
        throw new EveError('TRANSPORT_CONNECT_FAILED', `${this.address}: no such port (${e.code})`, { retriable: true, cause: e });
      });
      if (device !== this.path) this.address = `serial://${this.path}?baud=${this.o.baudRate} (${device})`;
    }
    const make: SerialPortFactory = this.o.portFactory ?? ((opts) => new SerialPort(opts));
    const port = make({ path: device, baudRate: this.o.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err
      ? reject(new EveError('TRANSPORT_CONNECT_FAILED', `${this.address}: cannot open (${err.message})`, { retriable: true, cause: err }))
      : resolve())));
    const queue = new ChunkQueue(this.o.queueChunks ?? 64, this.address);
    port.on('data', (chunk: Buffer) => {
      if (!queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) port.pause();
    });
    port.on('error', (err: Error) => queue.fail(new EveError('TRANSPORT_IO', `${this.address}: ${err.message}`, { retriable: true, cause: err })));
    port.on('close', () => queue.end());
    this.port = port;
    this.queue = queue;
  }

  async write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new EveError('TRANSPORT_ABORTED', `${this.address}: aborted`, { cause: signal.reason });
    const port = this.port;
    if (!port || !this.isOpen) throw new EveError('TRANSPORT_CLOSED', `${this.address}: write on a closed transport`, { retriable: true });
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) => {
        if (err) return reject(new EveError('TRANSPORT_IO', `${this.address}: write failed (${err.message})`, { retriable: true, cause: err }));
        // resolve once the bytes have left the OS buffer: a following read then sees the reply
        port.drain((e) => (e ? reject(new EveError('TRANSPORT_IO', `${this.address}: drain failed (${e.message})`, { retriable: true, cause: e })) : resolve()));
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
    this.queue?.end();
    if (!port || !port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
