/**
 * The bounded buffer between a byte source (socket, peer) and the transport's single reader.
 * `push` says whether there is still room, so the source can pause (socket.pause()) instead of
 * the buffer growing without bound when nobody reads.
 */
import { EveError } from '@eve-bench/device-agent';

type Waiter = { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: unknown) => void };

export class ChunkQueue {
  private readonly items: Uint8Array[] = [];
  private waiter: Waiter | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private reading = false;
  private readonly drainListeners: Array<() => void> = [];

  constructor(
    private readonly capacity: number,
    private readonly address: string,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new EveError('TRANSPORT_BAD_OPTION', `queue capacity must be a positive integer, got ${capacity}`);
    }
  }

  get hasRoom(): boolean {
    return this.items.length < this.capacity;
  }

  get isDone(): boolean {
    return this.ended || this.failure !== undefined;
  }

  /** Queues a chunk (or hands it to a waiting reader); returns false when the source should pause. */
  push(chunk: Uint8Array): boolean {
    if (this.isDone) return false;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: chunk, done: false });
      return true;
    }
    this.items.push(chunk);
    return this.hasRoom;
  }

  /** Resolves once the queue has room again (or is finished). */
  whenRoom(): Promise<void> {
    if (this.hasRoom || this.isDone) return Promise.resolve();
    return new Promise((resolve) => this.drainListeners.push(resolve));
  }

  /** Normal end of stream: the reader sees `done` after the queued chunks. */
  end(): void {
    if (this.isDone) return;
    this.ended = true;
    this.settleWaiter();
    this.notifyDrain();
  }

  /** Link failure: the reader gets the queued chunks, then `error`. */
  fail(error: unknown): void {
    if (this.isDone) return;
    this.failure = { error };
    this.settleWaiter();
    this.notifyDrain();
  }

  iterate(onDrain: () => void): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => {
        if (this.reading) {
          throw new EveError('TRANSPORT_READER_BUSY', `${this.address}: only one reader at a time`);
        }
        this.reading = true;
        return {
          next: () => this.next(onDrain),
          return: async () => {
            this.reading = false;
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  private next(onDrain: () => void): Promise<IteratorResult<Uint8Array>> {
    const item = this.items.shift();
    if (item !== undefined) {
      if (this.hasRoom) {
        this.notifyDrain();
        onDrain();
      }
      return Promise.resolve({ value: item, done: false });
    }
    if (this.failure) {
      this.reading = false;
      return Promise.reject(this.failure.error);
    }
    if (this.ended) {
      this.reading = false;
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private settleWaiter(): void {
    const w = this.waiter;
    if (!w || this.items.length > 0) return;
    this.waiter = undefined;
    this.reading = false;
    if (this.failure) w.reject(this.failure.error);
    else w.resolve({ value: undefined, done: true });
  }

  private notifyDrain(): void {
    for (const l of this.drainListeners.splice(0)) l();
  }
}
