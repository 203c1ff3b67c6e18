/**
 * The virtual lab: simulated instruments and boards served on loopback sockets, so the bench
 * reaches them through exactly the transports and protocols it uses for real hardware.
 * One simulated Rigol DP832; each virtual board is wired to one of its channels and served as
 * a raw TCP byte stream, the way ser2net serves a board's UART.
 */
import {
  BoardAgent, EnergyRunnerAgent, PowerNode, SimClock, VirtualBoard, getProfile, type DeviceProfile, type FaultPlan,
} from '@eve-bench/device-agent';
import { SimPsu } from './sim-psu.js';
import { serveScpi } from './scpi-server.js';
import { serveBoard } from './board-server.js';

export interface VirtualBoardSpec {
  id: string;
  /** Supply channel (1-based) the board is wired to. */
  channel: number;
  profile: string;
  /** Storage capacitor on the board's supply rail. */
  capacitanceF: number;
  turnOnV: number;
  brownOutV: number;
  /** What the board's firmware speaks on its link (default: the EVE framed protocol). */
  protocol?: 'eve' | 'energyrunner';
  /** Faults the board suffers (brown-out mid-deploy, hang, slow boot); tests can inject more later. */
  faults?: FaultPlan;
}

export interface VirtualLabOptions {
  host: string;
  boards: VirtualBoardSpec[];
  /** Seed of the simulated supply's readback noise. */
  seed?: number;
}

export interface RunningVirtualBoard {
  spec: VirtualBoardSpec;
  url: string;
  /** Ground truth access for checks; the bench itself never reads it. */
  board: VirtualBoard;
  profile: DeviceProfile;
}

export interface VirtualLab {
  psuUrl: string;
  psu: SimPsu;
  boards: RunningVirtualBoard[];
  close(): Promise<void>;
}

/** Two STM32L476 boards on DP832 channels 1 and 2, each with a 470 µF rail capacitor. */
export function defaultVirtualBoards(): VirtualBoardSpec[] {
  const common = { profile: 'stm32l476-m4f', capacitanceF: 470e-6, turnOnV: 2.8, brownOutV: 1.8 };
  return [
    { id: 'vboard-1', channel: 1, ...common },
    { id: 'vboard-2', channel: 2, ...common },
  ];
}

export async function startVirtualLab(o: VirtualLabOptions): Promise<VirtualLab> {
  const psu = new SimPsu({ seed: o.seed });
  const closers: Array<() => Promise<void>> = [];
  try {
    const scpi = await serveScpi(psu, { host: o.host, port: 0 });
    closers.push(() => scpi.close());
    const boards: RunningVirtualBoard[] = [];
    for (const spec of o.boards) {
      const profile = getProfile(spec.profile);
      const clock = new SimClock();
      const power = new PowerNode(
        { capacitanceF: spec.capacitanceF, turnOnV: spec.turnOnV, brownOutV: spec.brownOutV },
        psu.channel(spec.channel),
      );
      const board = new VirtualBoard({ boardId: spec.id, profile, clock, power, faults: spec.faults, wallClockMs: () => performance.now() });
      const server = await serveBoard(
        (send) => (spec.protocol === 'energyrunner' ? new EnergyRunnerAgent(board, send, spec.id) : new BoardAgent(board, send)),
        { host: o.host, port: 0 },
      );
      closers.push(() => server.close());
      boards.push({ spec, url: `tcp://${o.host}:${server.port}`, board, profile });
    }
    return {
      psuUrl: `tcp://${o.host}:${scpi.port}`,
      psu,
      boards,
      close: async () => {
        for (const c of closers.reverse()) await c();
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw e;
  }
}
