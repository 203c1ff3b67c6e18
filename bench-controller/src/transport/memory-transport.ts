/**
 * Two connected in-memory transports: bytes written to one are read from the other. For tests
 * and for wiring in-process simulators without sockets. Writes wait while the peer's bounded
 * queue is full, so a stalled reader exerts back-pressure just like a socket would.
 */
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from './byte-transport.js';
import { ChunkQueue } from './chunk-queue.js';

export interface MemoryPairOptions {
  /** Chunks each end buffers before the writer waits (default 64). */
  queueChunks?: number;
}

class MemoryTransport implements ByteTransport {
  peer!: MemoryTransport;
  readonly inbox: ChunkQueue;
  private opened = false;
  private closed = false;

  constructor(readonly address: string, queueChunks: number) {
    this.inbox = new ChunkQueue(queueChunks, address);
  }

  get isOpen(): boolean {
    return this.opened && !this.closed;
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new EveError('TRANSPORT_ABORTED', `${this.address}: aborted`, { cause: signal.reason });
    if (this.closed) throw new EveError('TRANSPORT_CLOSED', `${this.address}: a memory transport cannot be reopened`);
    this.opened = true;
  }

  async write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (!this.isOpen) throw new EveError('TRANSPORT_CLOSED', `${this.address}: write on a closed transport`, { retriable: true });
    const inbox = this.peer.inbox;
    while (!inbox.hasRoom && !inbox.isDone) {
      if (signal?.aborted) throw new EveError('TRANSPORT_ABORTED', `${this.address}: aborted`, { cause: signal.reason });
      await inbox.whenRoom();
    }
    if (inbox.isDone) throw new EveError('TRANSPORT_CLOSED', `${this.address}: peer closed`, { retriable: true });
    // Copy: the caller may reuse its buffer after write() resolves.
    inbox.push(bytes.slice());
  }

  read(): AsyncIterable<Uint8Array> {
    return this.inbox.iterate(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.inbox.end();
    this.peer.closed = true;
    this.peer.inbox.end();
  }
}

export function createMemoryPair(options: MemoryPairOptions = {}): [ByteTransport, ByteTransport] {
  const n = options.queueChunks ?? 64;
  const a = new MemoryTransport('memory://a', n);
  const b = new MemoryTransport('memory://b', n);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
