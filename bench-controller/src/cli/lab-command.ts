import type { Command } from 'commander';
import { defaultVirtualBoards, startVirtualLab } from '../lab/virtual-lab.js';
import { startEmbeddedBroker } from '../telemetry/embedded-broker.js';

/** The bench config (YAML) that points `eve demo --config` at a running virtual lab. */
export function labConfigYaml(psuUrl: string, boards: Array<{ id: string; url: string; channel: number; profile: string }>, mqttUrl: string): string {
  return [
    'bench: virtual-lab',
    `mqtt: { url: "${mqttUrl}", protocolVersion: 4 }`,
    'supplies:',
    '  - id: sim-dp832',
    `    transport: ${psuUrl}`,
    '    limits:',
    ...boards.map((b) => `      "${b.channel}": { maxVoltageV: 3.6, maxCurrentA: 0.05 }`),
    'boards:',
    ...boards.flatMap((b) => [`  - id: ${b.id}`, `    transport: ${b.url}`, `    profile: ${b.profile}`, `    supply: { id: sim-dp832, channel: ${b.channel} }`]),
  ].join('\n');
}

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('the virtual lab: simulated instruments and boards on loopback sockets');
  lab
    .command('up')
    .description('serve a simulated DP832 and two virtual boards (and an MQTT broker) until interrupted; prints a bench config for them')
    .option('--host <address>', 'address to listen on (loopback by default)', '127.0.0.1')
    .action(async (opts: { host: string }) => {
      const running = await startVirtualLab({ host: opts.host, boards: defaultVirtualBoards() });
      const broker = await startEmbeddedBroker({ host: opts.host, port: 0 });
      const boards = running.boards.map((b) => ({ id: b.spec.id, url: b.url, channel: b.spec.channel, profile: b.spec.profile }));
      process.stdout.write(`# virtual lab up: save as bench.yaml and run 'eve demo --config bench.yaml'; Ctrl-C stops it\n${labConfigYaml(running.psuUrl, boards, broker.url)}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
      await broker.close();
      process.stdout.write('# virtual lab down\n');
    });
}
