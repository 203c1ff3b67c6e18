/**
 * The hardware boundary for every byte stream the bench talks over: a serial port, a raw TCP
 * socket (ser2net, an instrument's SCPI port), USBTMC, or an in-memory pair in tests.
 * Small on purpose (cf. node-serialport's binding): framing and protocols sit on top.
 */
export interface ByteTransport {
  /** Human-readable address, e.g. `tcp://127.0.0.1:5555` or `serial:///dev/ttyUSB0`. */
  readonly address: string;
  open(signal?: AbortSignal): Promise<void>;
  write(bytes: Uint8Array, signal?: AbortSignal): Promise<void>;
  /**
   * Chunks as they arrive, in order. Ends when the transport closes; throws a typed
   * TransportError if the link fails. Only one reader at a time.
   */
  read(): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
  readonly isOpen: boolean;
}
