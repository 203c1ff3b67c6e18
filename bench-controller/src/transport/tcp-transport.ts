/**
 * Raw TCP byte stream: an instrument's SCPI socket (port 5555 on Rigol), ser2net, a simulator.
 * Connection failures are retriable EveErrors; a deliberate close or abort is not.
 */
import { Socket } from 'node:net';
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from './byte-transport.js';
import { ChunkQueue } from './chunk-queue.js';

export interface TcpTransportOptions {
  /** Give up connecting after this long (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Received chunks buffered while nobody reads before the socket is paused (default 64). */
  queueChunks?: number;
}

export class TcpTransport implements ByteTransport {
  readonly address: string;
  private socket: Socket | undefined;
  private queue: ChunkQueue | undefined;
  private closing = false;
  private readonly connectTimeoutMs: number;
  private readonly queueChunks: number;

  constructor(
    private readonly host: string,
    private readonly port: number,
    options: TcpTransportOptions = {},
  ) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new EveError('TRANSPORT_BAD_OPTION', `TCP port must be an integer 1-65535, got ${port}`);
    }
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.queueChunks = options.queueChunks ?? 64;
    this.address = `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.destroyed && !this.queue!.isDone;
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.isOpen) return;
    if (signal?.aborted) throw aborted(this.address, signal);
    const socket = new Socket();
    const queue = new ChunkQueue(this.queueChunks, this.address);
    await new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        socket.off('connect', onConnect);
      };
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (err: Error) => {
        cleanup();
        socket.destroy();
        reject(new EveError('TRANSPORT_CONNECT_FAILED', `${this.address}: cannot connect (${err.message})`, { retriable: true, cause: err }));
      };
      const onAbort = () => {
        cleanup();
        socket.destroy();
        reject(aborted(this.address, signal!));
      };
      const timer = setTimeout(() => {
        cleanup();
        socket.destroy();
        reject(new EveError('TRANSPORT_CONNECT_TIMEOUT', `${this.address}: no connection within ${this.connectTimeoutMs} ms`, { retriable: true }));
      }, this.connectTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.once('connect', onConnect);
      socket.connect({ host: this.host, port: this.port });
    });
    // SCPI and framed protocols exchange small request/response messages: Nagle only adds latency.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (!queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) socket.pause();
    });
    socket.on('error', (err) => {
      queue.fail(new EveError('TRANSPORT_IO', `${this.address}: link failed (${err.message})`, { retriable: true, cause: err }));
    });
    // A close we did not ask for (the peer hung up, ser2net restarted) is a lost link worth
    // reopening, not a normal end: ReconnectingTransport only retries retriable failures.
    socket.on('close', () => {
      if (this.closing) queue.end();
      else queue.fail(new EveError('TRANSPORT_DISCONNECTED', `${this.address}: peer closed the connection`, { retriable: true }));
    });
    this.closing = false;
    this.socket = socket;
    this.queue = queue;
  }

  async write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw aborted(this.address, signal);
    const socket = this.socket;
    if (!socket || !this.isOpen) {
      throw new EveError('TRANSPORT_CLOSED', `${this.address}: write on a closed transport`, { retriable: true });
    }
    await new Promise<void>((resolve, reject) => {
      socket.write(bytes, (err) => {
        if (err) reject(new EveError('TRANSPORT_IO', `${this.address}: write failed (${err.message})`, { retriable: true, cause: err }));
        else resolve();
      });
    });
  }

  read(): AsyncIterable<Uint8Array> {
    const queue = this.queue;
    if (!queue) throw new EveError('TRANSPORT_CLOSED', `${this.address}: read before open`);
    return queue.iterate(() => this.socket?.resume());
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.closing = true;
    this.queue?.end();
    if (socket.destroyed) return;
    // Writes resolve only once handed to the kernel, so destroying drops nothing we acknowledged.
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }
}

function aborted(address: string, signal: AbortSignal): EveError {
  return new EveError('TRANSPORT_ABORTED', `${address}: aborted`, { cause: signal.reason });
}
