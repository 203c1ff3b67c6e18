/**
 * `eve agent --serial PATH | --listen tcp:[HOST:]PORT`: makes this machine (a Linux-class board,
 * e.g. a Raspberry Pi) a board the bench can deploy to and measure, serving the EVE protocol with
 * device-agent's runtime and the process's monotonic clock as the device clock.
 */
import { hostname } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { BoardAgent, EveError, LinuxHost } from '@eve-bench/device-agent';
import { serveBoard } from '../lab/board-server.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { parseIntArg } from './args.js';

export interface AgentOptions {
  serial?: string;
  listen?: { host: string; port: number };
  baud: number;
  boardId: string;
  log(line: string): void;
}

export function parseListen(value: string): { host: string; port: number } {
  const m = /^tcp:(?:([^:]+):)?(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new InvalidArgumentError(`--listen must be tcp:[HOST:]PORT (PORT 0-65535, 0 picks a free one), got '${value}'`);
  return { host: m[1] ?? '127.0.0.1', port };
}

/** The host's monotonic clock, microseconds since the agent started. */
function monotonicClock(): { nowUs(): number; sleepUs(us: number): void } {
  const t0 = process.hrtime.bigint();
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return {
    nowUs: () => Number(process.hrtime.bigint() - t0) / 1000,
    // a board that sleeps does nothing else: block this thread, as the MCU's sleep would
    sleepUs: (us) => { Atomics.wait(cell, 0, 0, us / 1000); },
  };
}

/** Serves until `signal` aborts. */
export async function runAgent(o: AgentOptions, signal: AbortSignal): Promise<void> {
  if ((o.serial === undefined) === (o.listen === undefined)) throw new EveError('CLI_ARGUMENT', 'eve agent needs exactly one of --serial PATH or --listen tcp:PORT');
  const host = new LinuxHost({ boardId: o.boardId, ...monotonicClock() });
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  if (o.listen) {
    const server = await serveBoard((send) => new BoardAgent(host, send), { host: o.listen.host, port: o.listen.port, whenBusy: 'replace', log: o.log });
    o.log(`eve agent: serving ${o.boardId} on tcp://${o.listen.host}:${server.port}`);
    await stopped;
    await server.close();
    return;
  }
  const link = new SerialTransport(o.serial!, { baudRate: o.baud });
  await link.open();
  let writing = Promise.resolve();
  const agent = new BoardAgent(host, (bytes) => {
    writing = writing.then(() => link.write(bytes)).catch((e) => o.log(`eve agent: write failed: ${(e as Error).message}`));
  });
  o.log(`eve agent: serving ${o.boardId} on ${link.address}`);
  const reading = (async () => { for await (const chunk of link.read()) agent.receive(chunk); })();
  await Promise.race([stopped, reading]);
  await link.close();
  await reading.catch(() => undefined);
}

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('serve the EVE board protocol from this machine (a Linux-class board) over a serial port or TCP')
    .option('--serial <path>', 'serial device the bench is wired to, e.g. /dev/ttyS0')
    .option('--baud <n>', 'serial baud rate', parseIntArg('--baud', 50, 4_000_000), 115200)
    .option('--listen <tcp:[host:]port>', 'listen for the bench on TCP (host defaults to 127.0.0.1)', parseListen)
    .option('--board-id <id>', 'name the board reports', hostname())
    .action(async (opts: { serial?: string; listen?: { host: string; port: number }; baud: number; boardId: string }) => {
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await runAgent({ ...opts, log: (l) => process.stdout.write(`${l}\n`) }, stop.signal);
    });
}
