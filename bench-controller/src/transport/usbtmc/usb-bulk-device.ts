/**
 * The part of a USB device the USBTMC transport needs, behind a small interface so the real
 * device (node-usb, see node-usb-device.ts) and the in-process fake (fake-usbtmc-device.ts) are
 * interchangeable. Endpoints are numbers without the direction bit.
 */
export interface UsbControlSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

export interface UsbBulkDevice {
  /** `usbtmc:VID:PID:SERIAL` style, for messages. */
  readonly label: string;
  /** Opens the device and claims the USBTMC interface; resolves with its endpoints. */
  open(): Promise<UsbTmcEndpoints>;
  close(): Promise<void>;
  /** Resolves with the bytes written; rejects (with a timeout or stall) like libusb. */
  transferOut(endpoint: number, data: Uint8Array, timeoutMs: number): Promise<number>;
  /** Resolves with at most `length` bytes (a short packet ends the transfer). */
  transferIn(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array>;
  controlIn(setup: UsbControlSetup, length: number, timeoutMs: number): Promise<Uint8Array>;
  clearHalt(direction: 'in' | 'out', endpoint: number): Promise<void>;
}

export interface UsbTmcEndpoints {
  interfaceNumber: number;
  bulkIn: number;
  bulkOut: number;
  /** wMaxPacketSize of bulk-IN; requests are sized in multiples of it. */
  maxPacketSize: number;
}

/** USBTMC interface class/subclass (USBTMC 1.0, section 4.2). */
export const USBTMC_CLASS = 0xfe;
export const USBTMC_SUBCLASS = 0x03;
