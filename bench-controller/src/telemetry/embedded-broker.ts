/**
 * The embedded MQTT broker (aedes) for running with no services installed: served on a loopback
 * port of the OS's choosing. aedes implements MQTT 3.1.1, so clients connect to it with
 * protocol level 4; QoS 1, retained messages and last wills are all 3.1.1 features. Any MQTT 5 broker (Mosquitto, EMQX, HiveMQ) replaces it by URL.
 */
import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { listenTcp } from '../transport/tcp-listen.js';

export interface EmbeddedBroker {
  url: string;
  /** aedes speaks MQTT 3.1.1 (protocol level 4), not MQTT 5. */
  protocolVersion: 4;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(o: { host: string; port: number }): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    broker.handle(s);
  });
  const port = await listenTcp(server, o.host, o.port, 'embedded MQTT broker').catch(async (e) => {
    await new Promise<void>((r) => broker.close(() => r()));
    throw e;
  });
  return {
    url: `mqtt://${o.host}:${port}`,
    protocolVersion: 4,
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
