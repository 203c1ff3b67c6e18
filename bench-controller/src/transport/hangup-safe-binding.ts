/**
 * Guard for a busy loop in @serialport/bindings-cpp 13 on Unix: its read treats a 0-byte read
 * as "try again" and re-reads at once. On a terminal opened non-blocking with VMIN=1, no data
 * gives EAGAIN, so 0 bytes means end of file — the other side hung up (a PTY whose socat peer
 * exited, a tty whose modem line dropped). The stock binding then spins a core forever and the
 * loss is never reported. This wrapper keeps the native binding for everything but `read`,
 * where a 0-byte read or EIO (Linux's answer once a PTY master is gone) becomes a disconnect
 * error, which @serialport/stream reports as 'close' and SerialTransport as a retriable
 * TRANSPORT_DISCONNECTED. EAGAIN still waits on the binding's poller, as upstream does.
 */
import { read as fsRead } from 'node:fs';
import { promisify } from 'node:util';
import type { SerialBinding } from './serial-transport.js';

const readAsync = promisify(fsRead);

/** The parts of bindings-cpp's LinuxPortBinding / DarwinPortBinding the read needs (public fields). */
interface UnixPort {
  fd: number | null;
  readonly isOpen: boolean;
  readonly poller: { once(event: 'readable', cb: (err?: Error | null) => void): void };
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

async function hangupSafeRead(port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw canceled();
    try {
      const { bytesRead } = await readAsync(port.fd, buffer, offset, length, null);
      if (bytesRead === 0) throw Object.assign(new Error('hang-up: the other end closed the terminal'), { disconnect: true });
      return { buffer, bytesRead };
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { disconnect?: boolean };
      if (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK' || err.code === 'EINTR') {
        if (!port.isOpen) throw canceled();
        await new Promise<void>((resolve, reject) => port.poller.once('readable', (pe) => (pe ? reject(pe) : resolve())));
        continue;
      }
      if (err.code === 'EIO' || err.code === 'EBADF' || err.code === 'ENXIO') err.disconnect = true;
      throw err;
    }
  }
}

/** The native binding with a read that reports a hang-up instead of spinning (Unix only). */
export function hangupSafeBinding(base: NonNullable<SerialBinding>): NonNullable<SerialBinding> {
  if (process.platform === 'win32') return base;
  return {
    ...base,
    open: async (options: Parameters<typeof base.open>[0]) => {
      const port = (await base.open(options)) as unknown as UnixPort;
      // Own-property override: every other method stays the binding's own.
      port.read = (buffer, offset, length) => hangupSafeRead(port, buffer, offset, length);
      return port as unknown as Awaited<ReturnType<typeof base.open>>;
    },
  } as NonNullable<SerialBinding>;
}
