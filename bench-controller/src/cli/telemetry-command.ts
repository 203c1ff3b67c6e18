import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TelemetryBridge } from '../telemetry/bridge/bridge.js';
import { SpoolingMqttSink } from '../telemetry/spooling-sink.js';
import { runSimulatedBoards } from '../telemetry/simulated-boards.js';
import { parseIntArg } from './args.js';

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

function protocol(v: string): 4 | 5 {
  return parseIntArg('--mqtt-protocol', 4, 5)(v) as 4 | 5;
}

interface MqttFlags { mqtt: string; mqttUsername?: string; mqttPassword?: string; mqttCa?: string; mqttProtocol: 4 | 5; clientId?: string }

function mqttOptions(o: MqttFlags) {
  return {
    url: o.mqtt,
    username: o.mqttUsername,
    // the password may come from the environment, so it need not appear in the process list
    password: o.mqttPassword ?? process.env['EVE_MQTT_PASSWORD'],
    ca: o.mqttCa ? readFileSync(o.mqttCa) : undefined,
    protocolVersion: o.mqttProtocol,
    clientId: o.clientId,
  };
}

function withMqttFlags(c: Command): Command {
  return c
    .requiredOption('--mqtt <url>', 'MQTT broker URL (mqtt://, mqtts://, ws://)')
    .option('--mqtt-username <name>', 'MQTT user name')
    .option('--mqtt-password <password>', 'MQTT password (or EVE_MQTT_PASSWORD)')
    .option('--mqtt-ca <file>', 'CA certificate (PEM) for mqtts://')
    .option('--mqtt-protocol <4|5>', '5 = MQTT 5, 4 = MQTT 3.1.1 (the embedded broker)', protocol, 5 as 4 | 5)
    .option('--client-id <id>', 'MQTT client id (the persistent session is keyed by it)');
}

export function registerTelemetry(program: Command): void {
  const telemetry = program.command('telemetry').description('the telemetry path: MQTT -> InfluxDB');
  withMqttFlags(telemetry.command('bridge'))
    .description('subscribe to eve/v1/# and write every valid message to InfluxDB 1.x, through a durable outbox, until interrupted')
    .requiredOption('--influx <url>', 'InfluxDB URL, e.g. http://localhost:8086')
    .requiredOption('--db <name>', 'InfluxDB database')
    .option('--influx-username <name>', 'InfluxDB user (a write-only one is enough)')
    .option('--influx-password <password>', 'InfluxDB password (or EVE_INFLUX_PASSWORD)')
    .option('--outbox <file>', 'SQLite outbox for points not yet written', 'eve-bridge-outbox.sqlite')
    .option('--dead-letter <file>', 'JSONL file for rejected messages and points, with the reason', 'eve-bridge-dead-letter.jsonl')
    .option('--name <name>', 'this bridge in the eve_bridge measurement', 'bridge')
    .option('--batch-size <n>', 'points per InfluxDB write', parseIntArg('--batch-size', 1, 100_000), 5000)
    .option('--max-outbox-mb <n>', 'outbox bound on disk, MB', parseIntArg('--max-outbox-mb', 1, 1_000_000), 1024)
    .option('--metrics-interval <s>', 'seconds between eve_bridge points', parseIntArg('--metrics-interval', 1, 3600), 10)
    .action(async (o: MqttFlags & { influx: string; db: string; influxUsername?: string; influxPassword?: string; outbox: string; deadLetter: string; name: string; batchSize: number; maxOutboxMb: number; metricsInterval: number }) => {
      const bridge = await TelemetryBridge.start({
        mqtt: { ...mqttOptions(o), clientId: o.clientId ?? `eve-bridge-${o.name}` },
        influx: { url: o.influx, db: o.db, username: o.influxUsername, password: o.influxPassword ?? process.env['EVE_INFLUX_PASSWORD'] },
        outboxPath: o.outbox,
        deadLetterPath: o.deadLetter,
        name: o.name,
        batchSize: o.batchSize,
        maxOutboxBytes: o.maxOutboxMb * 1e6,
        metricsIntervalMs: o.metricsInterval * 1000,
      });
      process.stderr.write(`bridge: ${o.mqtt} -> ${o.influx} db ${o.db}; Ctrl-C stops it\n`);
      // the bridge gives up only when its InfluxDB writer keeps crashing: the command fails with it
      const failed = await Promise.race([untilSignal().then(() => undefined), bridge.failure]);
      if (failed) throw failed;
      await bridge.stop();
      process.stderr.write(`bridge: stopped ${JSON.stringify(bridge.stats)}\n`);
    });
  withMqttFlags(telemetry.command('simulate'))
    .description('publish telemetry from virtual boards through the spooling publisher (a load generator and a dry run)')
    .requiredOption('--bench <id>', 'bench id (topic eve/v1/<bench>/...)')
    .option('--boards <n>', 'virtual boards', parseIntArg('--boards', 1, 1000), 2)
    .option('--count <n>', 'messages in total', parseIntArg('--count', 1, 100_000_000), 1000)
    .option('--rate <n>', 'messages per second', parseIntArg('--rate', 1, 1_000_000), 100)
    .option('--spool <file>', 'SQLite spool for messages not yet acknowledged', 'eve-publisher-spool.sqlite')
    .option('--session <id>', 'name of this run (sequence numbers are per session)')
    .action(async (o: MqttFlags & { bench: string; boards: number; count: number; rate: number; spool: string; session?: string }) => {
      const sink = SpoolingMqttSink.open({
        ...mqttOptions(o), bench: o.bench, spoolPath: o.spool, session: o.session,
        onError: (e) => process.stderr.write(`simulate: MQTT: ${e.message} (retrying; messages stay in the spool)\n`),
      });
      const stop = untilSignal();
      await Promise.race([runSimulatedBoards(sink, o), stop]);
      process.stderr.write(`simulate: ${o.count} messages spooled; waiting for the broker to acknowledge them\n`);
      await Promise.race([sink.flush(), stop]);
      const spooled = sink.spooled;
      await sink.close({ flushTimeoutMs: 0 });
      process.stdout.write(`${JSON.stringify({ ...sink.stats, spooled })}\n`);
    });
}
