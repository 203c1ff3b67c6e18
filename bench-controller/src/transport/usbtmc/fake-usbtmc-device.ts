/**
 * An in-process USBTMC device with the UsbBulkDevice surface, answering whole messages through
 * `respond` (e.g. the virtual lab's SCPI interpreter). It checks what a real device checks —
 * header, bTag/~bTag, 4-byte alignment, halted pipes — and stalls on a violation, so the
 * transport's framing and clear-on-error are exercised without hardware. Faults can be injected.
 */
import { HEADER_BYTES, MSG_DEV_DEP_MSG_IN, MSG_DEV_DEP_MSG_OUT, parseHeader } from './usbtmc-framing.js';
import type { UsbBulkDevice, UsbControlSetup, UsbTmcEndpoints } from './usb-bulk-device.js';

export interface FakeUsbTmcOptions {
  label?: string;
  /** Reply text for a complete message (terminator included), or undefined if none. */
  respond: (message: string) => string | undefined;
  /** The device sends at most this many reply bytes per DEV_DEP_MSG_IN (default: as requested). */
  maxReplyTransfer?: number;
  /** Each bulk-IN transfer returns at most this many bytes (default: as requested by the host). */
  maxInTransfer?: number;
  clock?: { setTimeout(fn: () => void, ms: number): unknown };
}

export const FAKE_ENDPOINTS: UsbTmcEndpoints = { interfaceNumber: 0, bulkIn: 2, bulkOut: 1, maxPacketSize: 64 };

export class UsbTimeoutError extends Error {
  readonly code = 'LIBUSB_ERROR_TIMEOUT';
}

export class UsbStallError extends Error {
  readonly code = 'LIBUSB_ERROR_PIPE';
}

export class UsbNoDeviceError extends Error {
  readonly code = 'LIBUSB_ERROR_NO_DEVICE';
}

export class FakeUsbTmcDevice implements UsbBulkDevice {
  readonly label: string;
  /** Every bulk-OUT transfer as received, for tests asserting the exact bytes. */
  readonly outTransfers: Uint8Array[] = [];
  clears = 0;
  opened = false;
  private message: number[] = [];
  private reply: number[] = [];
  private request: { tag: number; max: number } | undefined;
  /** Bytes of the current DEV_DEP_MSG_IN not yet taken by transferIn. */
  private inFlight: Uint8Array | undefined;
  private halted = { in: false, out: false };
  /** Fault injection: the next reply header carries this wrong bTag. */
  wrongTagOnce = false;
  /** Fault injection: the next REQUEST is ignored, so the host's bulk-IN times out. */
  silentOnce = false;
  /** Unplugged: opens fail as "not found" and transfers as LIBUSB_ERROR_NO_DEVICE. */
  unplugged = false;

  constructor(private readonly options: FakeUsbTmcOptions) {
    this.label = options.label ?? 'fake';
  }

  async open(): Promise<UsbTmcEndpoints> {
    if (this.unplugged) throw Object.assign(new Error(`no USB device ${this.label} is plugged in`), { retriable: true });
    this.opened = true;
    this.message = [];
    this.reply = [];
    this.request = undefined;
    this.inFlight = undefined;
    return FAKE_ENDPOINTS;
  }

  async close(): Promise<void> {
    this.opened = false;
  }

  async transferOut(endpoint: number, data: Uint8Array, _timeoutMs: number): Promise<number> {
    this.assertUsable('out', endpoint, FAKE_ENDPOINTS.bulkOut);
    this.outTransfers.push(Uint8Array.from(data));
    let h;
    try {
      h = parseHeader(data);
    } catch (e) {
      throw this.stall('out', (e as Error).message);
    }
    if (data.length % 4 !== 0) throw this.stall('out', `transfer of ${data.length} bytes is not 4-byte aligned`);
    if (h.msgId === MSG_DEV_DEP_MSG_OUT) {
      if (data.length < HEADER_BYTES + h.transferSize) throw this.stall('out', 'TransferSize beyond the transfer');
      this.message.push(...data.subarray(HEADER_BYTES, HEADER_BYTES + h.transferSize));
      if (h.eom) {
        const text = String.fromCharCode(...this.message);
        this.message = [];
        const answer = this.options.respond(text);
        if (answer !== undefined) for (let i = 0; i < answer.length; i++) this.reply.push(answer.charCodeAt(i) & 0xff);
      }
    } else if (h.msgId === MSG_DEV_DEP_MSG_IN) {
      if (this.silentOnce) this.silentOnce = false;
      else this.request = { tag: h.tag, max: h.transferSize };
    } else {
      throw this.stall('out', `MsgID ${h.msgId} not supported`);
    }
    return data.length;
  }

  async transferIn(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array> {
    this.assertUsable('in', endpoint, FAKE_ENDPOINTS.bulkIn);
    if (!this.inFlight && this.request && this.reply.length > 0) this.inFlight = this.buildReply(this.request);
    const pending = this.inFlight;
    if (!pending) {
      // Nothing to send: the host's transfer times out, as libusb's would.
      const clock = this.options.clock ?? { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms) };
      await new Promise<void>((resolve) => clock.setTimeout(resolve, timeoutMs));
      throw new UsbTimeoutError(`${this.label}: bulk-IN timed out after ${timeoutMs} ms`);
    }
    const n = Math.min(length, this.options.maxInTransfer ?? length, pending.length);
    this.inFlight = n < pending.length ? pending.subarray(n) : undefined;
    return pending.slice(0, n);
  }

  async controlIn(setup: UsbControlSetup, _length: number, _timeoutMs: number): Promise<Uint8Array> {
    if (setup.requestType !== 'class' || setup.recipient !== 'interface') throw this.stall('in', 'unsupported control request');
    if (setup.request === 5) {
      // INITIATE_CLEAR: drop everything half-sent or half-read.
      this.clears++;
      this.message = [];
      this.reply = [];
      this.request = undefined;
      this.inFlight = undefined;
      return Uint8Array.of(0x01);
    }
    if (setup.request === 6) return Uint8Array.of(0x01, 0x00); // CHECK_CLEAR_STATUS: done
    throw this.stall('in', `class request ${setup.request} not supported`);
  }

  async clearHalt(direction: 'in' | 'out', _endpoint: number): Promise<void> {
    this.halted[direction] = false;
  }

  private buildReply(request: { tag: number; max: number }): Uint8Array {
    this.request = undefined;
    const n = Math.min(request.max, this.options.maxReplyTransfer ?? request.max, this.reply.length);
    const payload = this.reply.splice(0, n);
    const tag = this.wrongTagOnce ? (request.tag % 255) + 1 : request.tag;
    this.wrongTagOnce = false;
    const out = new Uint8Array((HEADER_BYTES + n + 3) & ~3);
    out[0] = MSG_DEV_DEP_MSG_IN;
    out[1] = tag;
    out[2] = ~tag & 0xff;
    new DataView(out.buffer).setUint32(4, n, true);
    out[8] = this.reply.length === 0 ? 1 : 0;
    out.set(payload, HEADER_BYTES);
    return out;
  }

  private assertUsable(direction: 'in' | 'out', endpoint: number, expected: number): void {
    if (this.unplugged) throw new UsbNoDeviceError(`${this.label}: no device`);
    if (!this.opened) throw new Error(`${this.label}: device not open`);
    if (endpoint !== expected) throw this.stall(direction, `no bulk-${direction.toUpperCase()} endpoint ${endpoint}`);
    if (this.halted[direction]) throw new UsbStallError(`${this.label}: bulk-${direction.toUpperCase()} is halted`);
  }

  private stall(direction: 'in' | 'out', why: string): UsbStallError {
    this.halted[direction] = true;
    return new UsbStallError(`${this.label}: stall (${why})`);
  }
}
