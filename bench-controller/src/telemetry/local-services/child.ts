import { spawn, type ChildProcess } from 'node:child_process';

/** A child process whose output is kept (for failure messages) and that can be stopped or killed. */
export class Child {
  readonly proc: ChildProcess;
  output = '';
  private exited: Promise<number | null>;

  constructor(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.proc = spawn(cmd, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d) => (this.output += d));
    this.proc.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Sends the signal and waits for the exit (SIGKILL after the grace period). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.proc.kill(signal);
    const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }

  wait(): Promise<number | null> {
    return this.exited;
  }
}
