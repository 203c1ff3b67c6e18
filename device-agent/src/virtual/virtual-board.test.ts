import { describe, expect, it } from 'vitest';
import { VirtualBoard } from './virtual-board.js';
import { PowerNode } from './power-node.js';
import { SimClock } from './sim-clock.js';
import type { SupplyTerminal } from './power.js';
import { BoardAgent } from '../protocol/agent.js';
import { Deframer, encodeFrame } from '../protocol/frame.js';
import { decodeResponse, encodeRequest, type Request, type Response } from '../protocol/messages.js';
import { writePackage } from '../format/writer.js';
import { deployChecksum as crc32 } from '../protocol/messages.js';
import { getProfile } from '../cost/cost-model.js';
import { randomSpec } from '../format/random-spec.js';

/** An ideal bench supply channel that keeps the energy account. */
function supply(voltageV: number, currentLimitA: number) {
  const s = { energyJ: 0, sp: { voltageV, currentLimitA, outputOn: true } };
  const terminal: SupplyTerminal = { setpoint: () => s.sp, delivered: (seg) => { s.energyJ += seg.energyJ; } };
  return { s, terminal };
}

function rig(currentLimitA = 0.05) {
  const { s, terminal } = supply(3.3, currentLimitA);
  const clock = new SimClock();
  const power = new PowerNode({ capacitanceF: 470e-6, turnOnV: 2.8, brownOutV: 1.8 }, terminal);
  const board = new VirtualBoard({ boardId: 'vb', profile: getProfile('stm32l476-m4f'), clock, power });
  const out: Response[] = [];
  const deframer = new Deframer();
  const agent = new BoardAgent(board, (bytes) => {
    for (const ev of deframer.push(bytes)) if ('frame' in ev) out.push(decodeResponse(ev.frame.type, ev.frame.body));
  });
  let seq = 0;
  const call = (req: Request): Response => {
    const e = encodeRequest(req);
    agent.receive(encodeFrame({ seq: seq++, type: e.type, body: e.body }));
    return out.shift()!;
  };
  return { s, board, power, agent, call };
}

function deploy(call: (r: Request) => Response, bytes: Uint8Array, stopAfter = Infinity, announcedCrc = crc32(bytes)) {
  let st = call({ type: 'deployBegin', totalBytes: bytes.length, crc32: announcedCrc }) as Extract<Response, { type: 'deployStatus' }>;
  let sent = 0;
  while (st.receivedBytes < bytes.length && sent < stopAfter) {
    st = call({ type: 'deployChunk', offset: st.receivedBytes, data: bytes.subarray(st.receivedBytes, st.receivedBytes + 100) }) as typeof st;
    sent++;
  }
  return st;
}

describe('virtual board behind the board agent', () => {
  const pkg = writePackage(randomSpec(5, [64, 32, 10]));

  it('deploys in chunks, resumes an interrupted deploy, and checks the CRC at commit', () => {
    const { call } = rig();
    const partial = deploy(call, pkg, 3);
    expect(partial.receivedBytes).toBe(300);
    const resumed = deploy(call, pkg);
    expect(resumed.receivedBytes).toBe(pkg.length);
    expect(call({ type: 'deployCommit' })).toMatchObject({ type: 'deployStatus', committed: true });
  });

  it('refuses a corrupted package at commit with a NAK', () => {
    const { call } = rig();
    const bad = pkg.slice();
    bad[40] ^= 0xff;
    expect(deploy(call, bad, Infinity, crc32(pkg)).receivedBytes).toBe(bad.length);
    expect(call({ type: 'deployCommit' })).toMatchObject({ type: 'nak', code: 4 });
  });

  it('latency falls with sparsity and the supply account equals the rail energy drawn', () => {
    const { call, board, s } = rig(0.004); // 4 mA limit: below the 8 mA the MCU draws while running
    deploy(call, pkg);
    call({ type: 'deployCommit' });
    const input = new Uint8Array(64).fill(128);
    const lat: number[] = [];
    for (let m = 0; m < 3; m++) {
      call({ type: 'selectMode', mode: m });
      const r = call({ type: 'infer', input });
      if (r.type !== 'inferResult') throw new Error(JSON.stringify(r));
      lat.push(r.result.endUs - r.result.startUs);
    }
    expect(lat[1]).toBeLessThan(lat[0]!);
    expect(lat[2]).toBeLessThan(lat[1]!);
    // after recharging to the setpoint, supply energy = all load energy + the capacitor's final charge
    const before = s.energyJ;
    const truthBefore = board.groundTruth().length;
    call({ type: 'waitCharged' });
    const e0 = s.energyJ;
    for (let i = 0; i < 20; i++) call({ type: 'infer', input });
    call({ type: 'waitCharged' });
    const window = s.energyJ - e0;
    const truthJ = board.groundTruth().slice(truthBefore + 0).reduce((a, t) => a + t.energyJ, 0);
    expect(before).toBeGreaterThan(0);
    expect(window).toBeGreaterThan(truthJ); // plus the sleep draw while recharging
    expect(window / truthJ).toBeLessThan(1.01);
    expect(board.readCounters().brownOuts).toBe(0);
  });

  it('an unknown request or a damaged frame never stops the agent', () => {
    const { agent, call } = rig();
    agent.receive(Uint8Array.from([1, 2, 3, 0, 0, 9, 9, 0]));
    expect(agent.stats.framesBad).toBeGreaterThan(0);
    expect(call({ type: 'hello' })).toMatchObject({ type: 'identity' });
    expect(call({ type: 'selectMode', mode: 1 })).toMatchObject({ type: 'nak', code: 2 });
  });
});

describe('virtual board power behaviour', () => {
  it('idles for exactly the time asked, browning out and rebooting when the supply is off', () => {
    const { s, terminal } = supply(3.3, 0.01);
    const clock = new SimClock();
    const power = new PowerNode({ capacitanceF: 1e-6, turnOnV: 2.8, brownOutV: 1.8 }, terminal);
    const board = new VirtualBoard({ boardId: 'vb', profile: getProfile('stm32l476-m4f'), clock, power });
    board.waitCharged();
    const t0 = clock.nowUs();
    s.sp.outputOn = false; // 1 µF at 1.4 µA sleep: 3.3 V -> 1.8 V in about 1.07 s
    expect(board.idle(5e6)).toBeCloseTo(t0 + 5e6, 3);
    expect(board.readCounters()).toMatchObject({ brownOuts: 1 });
    expect(power.voltageV).toBeCloseTo(1.8, 9);
    s.sp.outputOn = true;
    const resetsBefore = board.readCounters().resets;
    board.idle(1e6);
    expect(board.readCounters().resets).toBe(resetsBefore + 1);
    expect(power.voltageV).toBe(3.3);
  });
});
