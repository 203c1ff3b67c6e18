/**
 * Starts a TCP server listening and returns the port it got (port 0 = the OS picks one), with
 * a typed error naming the address when it cannot listen. Shared by every loopback service the
 * bench runs: the simulated instruments, the virtual boards, the embedded broker.
 */
import type { Server } from 'node:net';
import { EveError } from '@eve-bench/device-agent';

export async function listenTcp(server: Server, host: string, port: number, what: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new EveError('LISTEN_FAILED', `${what} cannot listen on ${host}:${port}: ${e.message}`, { cause: e })));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new EveError('LISTEN_FAILED', `${what} has no TCP address`);
  return address.port;
}
