import { InvalidArgumentError, type Command } from 'commander';
import { EveError, isEveError, parseFaultPlan, type FaultPlan } from '@eve-bench/device-agent';
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
    .option('--fault <board:faults>', 'inject faults, e.g. vboard-1:brownout-at-byte=4096,hang-after=20,boot-ms=500,brownout-at-inference=3 (repeatable)', collectFault, {})
    .option('--seed <n>', 'seed of the simulated supply\'s readback noise', (v: string) => {
      if (!/^\d{1,9}$/.test(v)) throw new InvalidArgumentError(`--seed must be a whole number, got '${v}'`);
      return Number(v);
    }, 1)
    .action(async (opts: { host: string; fault: Record<string, FaultPlan>; seed: number }) => {
      const boards = defaultVirtualBoards().map((b) => ({ ...b, faults: opts.fault[b.id] }));
      const unknown = Object.keys(opts.fault).filter((id) => !boards.some((b) => b.id === id));
      if (unknown.length > 0) throw new EveError('CLI_ARGUMENT', `--fault names unknown board(s) ${unknown.join(', ')} (have ${boards.map((b) => b.id).join(', ')})`);
      const running = await startVirtualLab({ host: opts.host, boards, seed: opts.seed });
      const broker = await startEmbeddedBroker({ host: opts.host, port: 0 });
      const served = running.boards.map((b) => ({ id: b.spec.id, url: b.url, channel: b.spec.channel, profile: b.spec.profile }));
      process.stdout.write(`# virtual lab up: save as bench.yaml and run 'eve demo --config bench.yaml'; Ctrl-C stops it\n${labConfigYaml(running.psuUrl, served, broker.url)}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
      await broker.close();
      process.stdout.write('# virtual lab down\n');
    });
}

/** `--fault vboard-1:hang-after=3` -> { 'vboard-1': { hangAfterRequests: 3 } }; repeated flags merge. */
function collectFault(value: string, acc: Record<string, FaultPlan>): Record<string, FaultPlan> {
  const at = value.indexOf(':');
  if (at < 1) throw new InvalidArgumentError(`--fault must be <board>:<faults>, got '${value}'`);
  const id = value.slice(0, at);
  try {
    return { ...acc, [id]: { ...acc[id], ...parseFaultPlan(value.slice(at + 1)) } };
  } catch (e) {
    if (isEveError(e)) throw new InvalidArgumentError(e.message);
    throw e;
  }
}
