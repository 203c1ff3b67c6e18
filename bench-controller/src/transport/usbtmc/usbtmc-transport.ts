/**
 * A USBTMC instrument (USB Test & Measurement Class) as a ByteTransport. USBTMC is host-driven:
 * a device only sends on bulk-IN after a REQUEST_DEV_DEP_MSG_IN. So a byte-stream view must
 * decide when to ask: after each written message that `expectsReply` says is a query (default:
 * a SCPI query, i.e. it contains `?`), the transport requests the reply until EOM and queues it
 * for the reader. Each message is sent as DEV_DEP_MSG_OUT transfers of at most
 * `maxTransferBytes`, EOM on the last. Any failed or malformed transfer clears the device
 * (INITIATE_CLEAR / CHECK_CLEAR_STATUS, then CLEAR_FEATURE(ENDPOINT_HALT) on both bulk pipes) so
 * the next message starts clean, and the write fails with a retriable TRANSPORT_IO.
 */
import { EveError } from '@eve-bench/device-agent';
import type { ByteTransport } from '../byte-transport.js';
import { ChunkQueue } from '../chunk-queue.js';
import {
  HEADER_BYTES, MSG_DEV_DEP_MSG_IN, encodeDevDepMsgOut, encodeRequestDevDepMsgIn, nextTag, parseHeader,
} from './usbtmc-framing.js';
import type { UsbBulkDevice, UsbTmcEndpoints } from './usb-bulk-device.js';

export interface UsbTmcTransportOptions {
  /** Per-transfer timeout (default 2000 ms). */
  timeoutMs?: number;
  /** Payload bytes per bulk transfer, both directions (default 1024). */
  maxTransferBytes?: number;
  /** A reply longer than this without EOM is refused (default 1 MiB). */
  maxReplyBytes?: number;
  /** Whether a written message makes the device answer (default: it contains `?`). */
  expectsReply?: (message: Uint8Array) => boolean;
  queueChunks?: number;
}

const QUESTION_MARK = 0x3f;
const INITIATE_CLEAR = 5;
const CHECK_CLEAR_STATUS = 6;
const STATUS_SUCCESS = 0x01;
const STATUS_PENDING = 0x02;

export class UsbTmcTransport implements ByteTransport {
  readonly address: string;
  private endpoints: UsbTmcEndpoints | undefined;
  private queue: ChunkQueue | undefined;
  private tag = 0;
  /** Messages go out one at a time: a reply must be fetched before the next request. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly timeoutMs: number;
  private readonly maxTransferBytes: number;
  private readonly maxReplyBytes: number;
  private readonly expectsReply: (message: Uint8Array) => boolean;
  private readonly queueChunks: number;

  constructor(private readonly device: UsbBulkDevice, options: UsbTmcTransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.maxTransferBytes = options.maxTransferBytes ?? 1024;
    this.maxReplyBytes = options.maxReplyBytes ?? 1 << 20;
    this.expectsReply = options.expectsReply ?? ((m) => m.includes(QUESTION_MARK));
    if (!(this.timeoutMs > 0)) throw new EveError('TRANSPORT_BAD_OPTION', `timeoutMs must be > 0, got ${this.timeoutMs}`);
    if (!Number.isInteger(this.maxTransferBytes) || this.maxTransferBytes < 4 || this.maxTransferBytes % 4 !== 0) {
      throw new EveError('TRANSPORT_BAD_OPTION', `maxTransferBytes must be a positive multiple of 4, got ${this.maxTransferBytes}`);
    }
    this.queueChunks = options.queueChunks ?? 64;
    if (!Number.isInteger(this.queueChunks) || this.queueChunks < 1) throw new EveError('TRANSPORT_BAD_OPTION', `queueChunks must be >= 1, got ${this.queueChunks}`);
    this.address = `usbtmc:${device.label}`;
  }

  get isOpen(): boolean {
    return this.endpoints !== undefined && this.queue !== undefined && !this.queue.isDone;
  }

  /** The bTag of the last transfer (1-255), for tests and diagnostics. */
  get lastTag(): number {
    return this.tag;
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.isOpen) return;
    if (signal?.aborted) throw new EveError('TRANSPORT_ABORTED', `${this.address}: aborted`, { cause: signal.reason });
    try {
      this.endpoints = await this.device.open();
    } catch (e) {
      throw new EveError('TRANSPORT_CONNECT_FAILED', `${this.address}: cannot open (${(e as Error).message})`, { retriable: true, cause: e });
    }
    this.queue = new ChunkQueue(this.queueChunks, this.address);
  }

  write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new EveError('TRANSPORT_ABORTED', `${this.address}: aborted`, { cause: signal.reason }));
    const endpoints = this.endpoints;
    const queue = this.queue;
    if (!endpoints || !queue || !this.isOpen) {
      return Promise.reject(new EveError('TRANSPORT_CLOSED', `${this.address}: write on a closed transport`, { retriable: true }));
    }
    const message = Uint8Array.from(bytes);
    const run = this.tail.then(() => this.exchange(endpoints, queue, message));
    this.tail = run.catch(() => undefined);
    return run;
  }

  read(): AsyncIterable<Uint8Array> {
    const queue = this.queue;
    if (!queue) throw new EveError('TRANSPORT_CLOSED', `${this.address}: read before open`);
    return queue.iterate(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.endpoints) return;
    this.endpoints = undefined;
    this.queue?.end();
    await this.tail;
    await this.device.close().catch((e: unknown) => {
      throw new EveError('TRANSPORT_IO', `${this.address}: close failed (${(e as Error).message})`, { cause: e });
    });
  }

  private async exchange(ep: UsbTmcEndpoints, queue: ChunkQueue, message: Uint8Array): Promise<void> {
    try {
      const parts = Math.max(1, Math.ceil(message.length / this.maxTransferBytes));
      for (let i = 0; i < parts; i++) {
        const part = message.subarray(i * this.maxTransferBytes, (i + 1) * this.maxTransferBytes);
        await this.device.transferOut(ep.bulkOut, encodeDevDepMsgOut(this.takeTag(), part, i === parts - 1), this.timeoutMs);
      }
      if (this.expectsReply(message)) await this.fetchReply(ep, queue);
    } catch (e) {
      if (isNoDevice(e)) {
        // Unplugged or re-enumerating: the link is gone, so the reader learns it too, and a
        // ReconnectingTransport reopens the device by its VID/PID/serial.
        const lost = new EveError('TRANSPORT_DISCONNECTED', `${this.address}: device went away (${(e as Error).message})`, { retriable: true, cause: e });
        queue.fail(lost);
        throw lost;
      }
      await this.clear(ep).catch(() => undefined); // the original failure is the one worth reporting
      if (e instanceof EveError && e.code.startsWith('USBTMC_')) {
        throw new EveError('TRANSPORT_IO', `${this.address}: ${e.message}; device cleared`, { retriable: true, cause: e });
      }
      throw new EveError('TRANSPORT_IO', `${this.address}: transfer failed (${(e as Error).message}); device cleared`, { retriable: true, cause: e });
    }
  }

  /** REQUEST_DEV_DEP_MSG_IN until a reply transfer carries EOM. */
  private async fetchReply(ep: UsbTmcEndpoints, queue: ChunkQueue): Promise<void> {
    let total = 0;
    for (;;) {
      const tag = this.takeTag();
      await this.device.transferOut(ep.bulkOut, encodeRequestDevDepMsgIn(tag, this.maxTransferBytes), this.timeoutMs);
      // Ask for whole packets: a device may send up to the requested size, padded to 4 bytes.
      const want = Math.ceil((HEADER_BYTES + this.maxTransferBytes) / ep.maxPacketSize) * ep.maxPacketSize;
      let data = await this.device.transferIn(ep.bulkIn, want, this.timeoutMs);
      const h = parseHeader(data);
      if (h.msgId !== MSG_DEV_DEP_MSG_IN) throw new EveError('USBTMC_BAD_HEADER', `reply MsgID ${h.msgId}, expected DEV_DEP_MSG_IN (2)`);
      if (h.tag !== tag) throw new EveError('USBTMC_BAD_HEADER', `reply bTag ${h.tag}, expected ${tag}`);
      if (h.transferSize > this.maxTransferBytes) throw new EveError('USBTMC_BAD_HEADER', `reply TransferSize ${h.transferSize} exceeds the ${this.maxTransferBytes} requested`);
      // A reply can span several bulk-IN transfers when the device ends one with a short packet.
      while (data.length < HEADER_BYTES + h.transferSize) {
        const more = await this.device.transferIn(ep.bulkIn, want, this.timeoutMs);
        if (more.length === 0) throw new EveError('USBTMC_SHORT_REPLY', `reply ended after ${data.length - HEADER_BYTES} of ${h.transferSize} bytes`);
        data = concat(data, more);
      }
      total += h.transferSize;
      if (total > this.maxReplyBytes) throw new EveError('USBTMC_REPLY_TOO_LONG', `reply longer than ${this.maxReplyBytes} bytes without EOM`);
      if (h.transferSize > 0) {
        queue.push(data.slice(HEADER_BYTES, HEADER_BYTES + h.transferSize));
        await queue.whenRoom();
      }
      if (h.eom) return;
    }
  }

  /** USBTMC 4.2.1.6-4.2.1.7: clear the device's buffers, then un-halt both bulk pipes. */
  private async clear(ep: UsbTmcEndpoints): Promise<void> {
    const setup = (request: number) => ({ requestType: 'class', recipient: 'interface', request, value: 0, index: ep.interfaceNumber }) as const;
    const [status] = await this.device.controlIn(setup(INITIATE_CLEAR), 1, this.timeoutMs);
    if (status === STATUS_SUCCESS) {
      // Bounded: a device stuck in PENDING should not hold the host forever.
      for (let i = 0; i < 100; i++) {
        const [s] = await this.device.controlIn(setup(CHECK_CLEAR_STATUS), 2, this.timeoutMs);
        if (s !== STATUS_PENDING) break;
      }
    }
    await this.device.clearHalt('out', ep.bulkOut);
    await this.device.clearHalt('in', ep.bulkIn);
  }

  private takeTag(): number {
    this.tag = nextTag(this.tag);
    return this.tag;
  }
}

/** libusb's LIBUSB_ERROR_NO_DEVICE, however the binding spells it. */
function isNoDevice(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return err?.code === 'LIBUSB_ERROR_NO_DEVICE' || /no[ _]?device|disconnected/i.test(String(err?.message ?? ''));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
