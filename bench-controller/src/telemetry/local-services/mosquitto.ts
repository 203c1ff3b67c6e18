/**
 * A local Mosquitto for tests and benchmarks, run with the shipped example configuration
 * (examples/mosquitto: password file, per-bench ACLs, persistence) on an ephemeral loopback port
 * and a data dir of the caller's. The caller finds (or installs) the binary.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EveError } from '@eve-bench/device-agent';
import { Child } from './child.js';
import { freePort, waitForTcp } from './free-port.js';

export class Mosquitto {
  private child: Child | undefined;
  private constructor(private readonly bin: string, private readonly conf: string, readonly port: number) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(o: { bin: string; exampleDir: string; dir: string; runAs?: string }): Promise<Mosquitto> {
    const { bin, exampleDir: example, dir } = o;
    mkdirSync(join(dir, 'data'), { recursive: true });
    for (const f of ['acl', 'passwords']) copyFileSync(join(example, f), join(dir, f));
    const port = await freePort();
    const conf = readFileSync(join(example, 'mosquitto.conf'), 'utf8')
      .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${port} 127.0.0.1`)
      .replace(/^password_file passwords$/m, `password_file ${join(dir, 'passwords')}`)
      .replace(/^acl_file acl$/m, `acl_file ${join(dir, 'acl')}`)
      .replace(/^persistence_location data\/$/m, `persistence_location ${join(dir, 'data')}/`);
    const path = join(dir, 'mosquitto.conf');
    // as root Mosquitto drops to the 'mosquitto' user, who cannot read a private temp dir: runAs 'root' keeps it
    writeFileSync(path, o.runAs ? `${conf}\nuser ${o.runAs}\n` : conf);
    const m = new Mosquitto(bin, path, port);
    await m.resume();
    return m;
  }

  async resume(): Promise<void> {
    this.child = new Child(this.bin, ['-c', this.conf]);
    await waitForTcp(this.port, 10_000).catch((e: Error) => { throw new EveError('MOSQUITTO_START', `${e.message}\n${this.child?.output}`); });
  }

  /** SIGTERM: Mosquitto saves sessions and queued messages to its persistence file first. */
  async stop(): Promise<void> {
    await this.child?.stop('SIGTERM');
  }
}
