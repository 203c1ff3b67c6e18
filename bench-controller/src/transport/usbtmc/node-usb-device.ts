/**
 * The real UsbBulkDevice: a USBTMC instrument found by VID/PID (and serial, when several are
 * plugged in) through the `usb` package (libusb). The device is looked up afresh at every
 * open(), so after a re-enumeration ReconnectingTransport finds it again by the same ids.
 * Typed structurally against the part of `usb` 3.x we call, because its own declarations lean
 * on the WebUSB DOM types this project does not load. Not exercised in CI (no hardware); the
 * transport above it is tested against FakeUsbTmcDevice through the same interface.
 */
import { EveError } from '@eve-bench/device-agent';
import { USBTMC_CLASS, USBTMC_SUBCLASS, type UsbBulkDevice, type UsbControlSetup, type UsbTmcEndpoints } from './usb-bulk-device.js';

interface NativeEndpoint { endpointNumber: number; direction: 'in' | 'out'; type: string; packetSize: number }
interface NativeInterface { interfaceNumber: number; alternate: { interfaceClass: number; interfaceSubclass: number; endpoints: NativeEndpoint[] } }
interface NativeDevice {
  vendorId: number;
  productId: number;
  readonly serialNumber: string | null;
  readonly configuration: { interfaces: NativeInterface[] } | undefined;
  open(): Promise<void>;
  close(): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  detachKernelDriver(n: number): Promise<void>;
  nativeTransferIn(endpoint: number, timeoutMs: number, length: number): Promise<Uint8Array | null>;
  nativeTransferOut(endpoint: number, timeoutMs: number, data: Uint8Array): Promise<number>;
  nativeControlTransferIn(setup: UsbControlSetup, timeoutMs: number, length: number): Promise<Uint8Array | null>;
  clearHalt(direction: 'in' | 'out', endpoint: number): Promise<void>;
}

export interface UsbId {
  vendorId: number;
  productId: number;
  serial?: string;
}

const hex = (n: number) => n.toString(16).padStart(4, '0');

export class NodeUsbDevice implements UsbBulkDevice {
  readonly label: string;
  private device: NativeDevice | undefined;
  private claimed: number | undefined;

  constructor(private readonly id: UsbId) {
    this.label = `${hex(id.vendorId)}:${hex(id.productId)}${id.serial ? `:${id.serial}` : ''}`;
  }

  async open(): Promise<UsbTmcEndpoints> {
    const { usb } = await import('usb');
    const all = (await usb.getDevices()) as unknown as NativeDevice[];
    const device = all.find((d) => d.vendorId === this.id.vendorId && d.productId === this.id.productId
      && (this.id.serial === undefined || d.serialNumber === this.id.serial));
    if (!device) throw new EveError('USBTMC_NOT_FOUND', `no USB device ${this.label} is plugged in`, { retriable: true });
    await device.open();
    const iface = device.configuration?.interfaces.find((i) => i.alternate.interfaceClass === USBTMC_CLASS && i.alternate.interfaceSubclass === USBTMC_SUBCLASS);
    const bulkIn = iface?.alternate.endpoints.find((e) => e.type === 'bulk' && e.direction === 'in');
    const bulkOut = iface?.alternate.endpoints.find((e) => e.type === 'bulk' && e.direction === 'out');
    if (!iface || !bulkIn || !bulkOut) {
      await device.close();
      throw new EveError('USBTMC_NOT_USBTMC', `USB device ${this.label} has no USBTMC interface with bulk-IN and bulk-OUT endpoints`);
    }
    // Linux binds its own usbtmc driver; it must let go before libusb can claim the interface.
    await device.detachKernelDriver(iface.interfaceNumber).catch(() => undefined);
    await device.claimInterface(iface.interfaceNumber);
    this.device = device;
    this.claimed = iface.interfaceNumber;
    return { interfaceNumber: iface.interfaceNumber, bulkIn: bulkIn.endpointNumber, bulkOut: bulkOut.endpointNumber, maxPacketSize: bulkIn.packetSize };
  }

  async close(): Promise<void> {
    const device = this.device;
    this.device = undefined;
    if (!device) return;
    if (this.claimed !== undefined) await device.releaseInterface(this.claimed).catch(() => undefined);
    await device.close();
  }

  transferOut(endpoint: number, data: Uint8Array, timeoutMs: number): Promise<number> {
    return this.opened().nativeTransferOut(endpoint, timeoutMs, data);
  }

  async transferIn(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array> {
    const data = await this.opened().nativeTransferIn(endpoint, timeoutMs, length);
    if (!data) throw new EveError('USBTMC_STALL', `${this.label}: bulk-IN stalled`);
    return data;
  }

  async controlIn(setup: UsbControlSetup, length: number, timeoutMs: number): Promise<Uint8Array> {
    const data = await this.opened().nativeControlTransferIn(setup, timeoutMs, length);
    if (!data) throw new EveError('USBTMC_STALL', `${this.label}: control request ${setup.request} stalled`);
    return data;
  }

  clearHalt(direction: 'in' | 'out', endpoint: number): Promise<void> {
    return this.opened().clearHalt(direction, endpoint);
  }

  private opened(): NativeDevice {
    if (!this.device) throw new EveError('TRANSPORT_CLOSED', `USB device ${this.label} is not open`, { retriable: true });
    return this.device;
  }
}
