/**
 * Serves a SimPsu over TCP the way a DP832 serves SCPI on its LAN port (raw socket, one
 * newline-terminated program message per line, replies to all queries in a line joined by `;`).
 * Every client shares the one instrument (setpoints, selected channel, error queue), as on the
 * real thing. Nothing a client sends can crash the server: bad input lands in the error queue.
 */
import { listenTcp } from '../transport/tcp-listen.js';
import { createServer, type Socket } from 'node:net';
import { ScpiExecError, matchNodes, parseUnit, splitUnits, undefinedHeader, type HeaderNode } from './scpi-server-parser.js';
import type { CommandSpec } from './scpi-server-commands.js';
import { dialect as namedDialect, dialectEnv, type DialectEnv, type DialectName, type ScpiDialect } from './scpi-server-dialect.js';
import type { ListTimer } from './scpi-server-list.js';
import type { SimPsu } from './sim-psu.js';

export interface ScpiServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Which instrument to impersonate (default the Rigol DP832). */
  dialect?: DialectName;
  /** Timers for list / timer functions (default real ones). */
  listTimer?: ListTimer;
}

export interface RunningScpiServer {
  port: number;
  close(): Promise<void>;
}

const MAX_LINE_BYTES = 1024;

/** Executes program messages against one SimPsu; transport-independent so tests can drive it directly. */
export class ScpiInterpreter {
  private readonly commands: CommandSpec[];
  private readonly env: DialectEnv;

  constructor(private readonly psu: SimPsu, dialect: ScpiDialect = namedDialect('rigol-dp832'), listTimer?: ListTimer) {
    this.env = dialectEnv(psu, listTimer);
    this.commands = dialect.buildCommands(this.env);
  }

  /** Stops any running list / timer function (its timers would otherwise keep the process alive). */
  dispose(): void {
    this.env.lists.stopAll();
  }

  /**
   * Executes one line; returns the reply line (without terminator) or undefined if there were no
   * queries. After an error the rest of the line is skipped, so `:VOLT 99;:OUTP CH1,ON` never
   * switches an output on with the old setpoint.
   */
  executeLine(line: string): string | undefined {
    const replies: string[] = [];
    let path: HeaderNode[] = [];
    for (const text of splitUnits(line)) {
      try {
        const unit = parseUnit(text);
        let found = !unit.common && !unit.absolute && path.length > 0 ? this.find([...path, ...unit.nodes], unit.query) : undefined;
        if (found) {
          unit.nodes = [...path, ...unit.nodes];
        } else {
          found = this.find(unit.nodes, unit.query);
        }
        if (!found) throw undefinedHeader();
        if (!unit.common) path = unit.nodes.slice(0, -1);
        const ctx = { psu: this.psu, suffix: found.suffix, args: unit.args };
        if (unit.query) replies.push(found.spec.query!(ctx));
        else found.spec.set!(ctx);
      } catch (e) {
        if (e instanceof ScpiExecError) {
          this.psu.pushError(e.scpiCode, e.scpiMessage);
        } else {
          // A simulator bug: make it visible to the client through the error queue rather than crash.
          this.psu.pushError(-300, `Device-specific error; ${e instanceof Error ? e.message : String(e)}`.replace(/"/g, "'"));
        }
        break;
      }
    }
    return replies.length > 0 ? replies.join(';') : undefined;
  }

  private find(nodes: HeaderNode[], query: boolean): { spec: CommandSpec; suffix: number | undefined } | undefined {
    for (const spec of this.commands) {
      if (query ? !spec.query : !spec.set) continue;
      for (const exp of spec.expansions) {
        const m = matchNodes(nodes, exp);
        if (m) return { spec, suffix: m.suffix };
      }
    }
    return undefined;
  }
}

export async function serveScpi(psu: SimPsu, options: ScpiServerOptions): Promise<RunningScpiServer> {
  const interpreter = new ScpiInterpreter(psu, namedDialect(options.dialect ?? 'rigol-dp832'), options.listTimer);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = '';
    let discarding = false;
    socket.on('data', (chunk: Buffer) => {
      // latin1: one char per byte, so the 1 KiB limit is in bytes and no input is undecodable.
      buffer += chunk.toString('latin1');
      const out: string[] = [];
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (discarding) {
          discarding = false;
          continue;
        }
        if (line.length > MAX_LINE_BYTES) {
          psu.pushError(-363, 'Input buffer overrun');
          continue;
        }
        const reply = interpreter.executeLine(line);
        if (reply !== undefined) out.push(`${reply}\n`);
      }
      if (buffer.length > MAX_LINE_BYTES) {
        if (!discarding) psu.pushError(-363, 'Input buffer overrun');
        discarding = true;
        buffer = '';
      }
      if (out.length > 0) socket.write(out.join(''));
    });
    // A client vanishing (ECONNRESET) is its own business; the instrument keeps serving the others.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenTcp(server, options.host, options.port, 'SCPI simulator');
  let closing: Promise<void> | undefined;
  return {
    port,
    close: () => {
      interpreter.dispose();
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
