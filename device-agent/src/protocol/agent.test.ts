import { describe, expect, it } from 'vitest';
import { BoardAgent } from './agent.js';
import { Deframer, decodeFrame, encodeFrame } from './frame.js';
import { NakCode, decodeResponse, deployChecksum, encodeRequest, type Request, type Response } from './messages.js';
import { VirtualBoard } from '../virtual/virtual-board.js';
import { PowerNode } from '../virtual/power-node.js';
import { SimClock } from '../virtual/sim-clock.js';
import type { SupplyTerminal } from '../virtual/power.js';
import { getProfile } from '../cost/cost-model.js';
import { writePackage } from '../format/writer.js';
import { readPackage } from '../format/reader.js';
import { randomSpec } from '../format/random-spec.js';
import { extract } from '../runtime/extract.js';

/** Host side of a loopback link: every request framed, every response checked for its seq. */
function rig(capacitanceF = 100e-6) {
  const sp = { voltageV: 3.3, currentLimitA: 0.05, outputOn: true };
  let suppliedJ = 0;
  const terminal: SupplyTerminal = { setpoint: () => sp, delivered: (s) => { suppliedJ += s.energyJ; } };
  const power = new PowerNode({ capacitanceF, turnOnV: 2.8, brownOutV: 1.8 }, terminal);
  const board = new VirtualBoard({ boardId: 'vb-1', profile: getProfile('stm32l476-m4f'), clock: new SimClock(), power });
  const wire: Uint8Array[] = [];
  const agent = new BoardAgent(board, (bytes) => wire.push(bytes));
  let seq = 100;
  const call = (req: Request): Response => {
    const e = encodeRequest(req);
    const mine = seq++;
    agent.receive(encodeFrame({ seq: mine, type: e.type, body: e.body }));
    expect(wire).toHaveLength(1); // exactly one response per request
    const bytes = wire.pop()!;
    expect(bytes[bytes.length - 1]).toBe(0);
    const frame = decodeFrame(bytes.subarray(0, bytes.length - 1));
    expect(frame.seq).toBe(mine);
    return decodeResponse(frame.type, frame.body);
  };
  return { sp, board, power, agent, call, wire, supplied: () => suppliedJ };
}

const pkgBytes = writePackage(randomSpec(8, [64, 32, 10]));
type Status = Extract<Response, { type: 'deployStatus' }>;

function upload(call: (r: Request) => Response, bytes: Uint8Array, chunk: number, maxChunks = Infinity): Status {
  let st = call({ type: 'deployBegin', totalBytes: bytes.length, crc32: deployChecksum(bytes) }) as Status;
  for (let n = 0; st.receivedBytes < bytes.length && n < maxChunks; n++) {
    st = call({ type: 'deployChunk', offset: st.receivedBytes, data: bytes.subarray(st.receivedBytes, st.receivedBytes + chunk) }) as Status;
  }
  return st;
}

describe('BoardAgent with a VirtualBoard', () => {
  it('runs a whole session: identify, chunked deploy with a resume, every mode, counters', () => {
    const { call } = rig();
    expect(call({ type: 'hello' })).toMatchObject({ type: 'identity', identity: { boardId: 'vb-1', deviceProfile: 'stm32l476-m4f' } });
    expect(upload(call, pkgBytes, 64, 4).receivedBytes).toBe(256); // link dropped after 4 chunks
    const resumed = call({ type: 'deployBegin', totalBytes: pkgBytes.length, crc32: deployChecksum(pkgBytes) });
    expect(resumed).toMatchObject({ type: 'deployStatus', receivedBytes: 256, committed: false });
    expect(upload(call, pkgBytes, 200).receivedBytes).toBe(pkgBytes.length);
    expect(call({ type: 'deployCommit' })).toMatchObject({ type: 'deployStatus', committed: true });

    const pkg = readPackage(pkgBytes);
    const input = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256);
    const cycles: number[] = [];
    for (let m = 0; m < 3; m++) {
      expect(call({ type: 'selectMode', mode: m })).toMatchObject({ type: 'ack' });
      const r = call({ type: 'infer', input });
      if (r.type !== 'inferResult') throw new Error(JSON.stringify(r));
      const want = extract(pkg, m).runUint8(input);
      expect(r.result.mode).toBe(m);
      for (let i = 0; i < 10; i++) expect(r.result.output[i]).toBeCloseTo(want[i]!, 5);
      expect(r.result.endUs - r.result.startUs).toBeCloseTo(r.result.cycles / 80, 6); // 80 cycles per µs
      cycles.push(r.result.cycles);
    }
    expect(cycles[1]).toBeLessThan(cycles[0]!);
    expect(cycles[2]).toBeLessThan(cycles[1]!);
    expect(call({ type: 'getCounters' })).toMatchObject({ type: 'counters', counters: { inferences: 3, brownOuts: 0, mode: 2 } });
  });

  it('answers an out-of-order chunk with BadOffset naming the expected offset', () => {
    const { call } = rig();
    upload(call, pkgBytes, 50, 2);
    const r = call({ type: 'deployChunk', offset: 60, data: pkgBytes.subarray(60, 80) });
    expect(r).toMatchObject({ type: 'nak', code: NakCode.BadOffset });
    expect((r as { message: string }).message).toMatch(/expected offset 100/);
  });

  it('discards a package that fails its CRC, so the retry uploads it afresh and succeeds', () => {
    const { call } = rig();
    const corrupt = pkgBytes.slice();
    corrupt[50] ^= 0x10;
    let st = call({ type: 'deployBegin', totalBytes: pkgBytes.length, crc32: deployChecksum(pkgBytes) }) as Status;
    for (let o = 0; o < corrupt.length; o += 4000) st = call({ type: 'deployChunk', offset: o, data: corrupt.subarray(o, o + 4000) }) as Status;
    expect(st.receivedBytes).toBe(pkgBytes.length);
    expect(call({ type: 'deployCommit' })).toMatchObject({ type: 'nak', code: NakCode.PackageCrc });
    expect(upload(call, pkgBytes, 4000, 0).receivedBytes).toBe(0);
    upload(call, pkgBytes, 4000);
    expect(call({ type: 'deployCommit' })).toMatchObject({ committed: true });
  });

  it('refuses a well-checksummed file that is not a package with PackageInvalid', () => {
    const { call } = rig();
    const junk = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    upload(call, junk, 4000);
    const r = call({ type: 'deployCommit' });
    expect(r).toMatchObject({ type: 'nak', code: NakCode.PackageInvalid });
  });

  it('NAKs undecodable and premature requests, and counts damaged frames without answering', () => {
    const { agent, call, wire } = rig();
    agent.receive(encodeFrame({ seq: 7, type: 0x20, body: new Uint8Array(0) })); // selectMode without its mode
    const nak = wire.pop()!;
    expect(decodeResponse(decodeFrame(nak.subarray(0, nak.length - 1)).type, decodeFrame(nak.subarray(0, nak.length - 1)).body)).toMatchObject({ type: 'nak', code: NakCode.BadRequest });
    const good = encodeFrame({ seq: 8, type: 0x01, body: new Uint8Array(0) });
    const damaged = good.slice(); damaged[2] ^= 0x01;
    agent.receive(damaged);
    expect(wire).toHaveLength(0);
    expect(agent.stats.framesBad).toBe(1);
    expect(call({ type: 'infer', input: new Uint8Array(64) })).toMatchObject({ type: 'nak', code: NakCode.NoPackage });
    expect(call({ type: 'selectMode', mode: 0 })).toMatchObject({ type: 'nak', code: NakCode.NoPackage });
    // a response split across reads still arrives whole
    const frames: Response[] = [];
    const deframer = new Deframer();
    const split = new BoardAgent(new VirtualBoard({ boardId: 'x', profile: getProfile('stm32l476-m4f'), clock: new SimClock(), power: rig().power }), (b) => {
      for (const ev of deframer.push(b)) if ('frame' in ev) frames.push(decodeResponse(ev.frame.type, ev.frame.body));
    });
    const hello = encodeFrame({ seq: 1, type: 0x01, body: new Uint8Array(0) });
    for (const byte of hello) split.receive(Uint8Array.of(byte));
    expect(frames).toMatchObject([{ type: 'identity' }]);
  });

  it('fails an inference that browns out with NAK BrownOut, and recovers once the rail is back', () => {
    const { sp, call, board } = rig(1e-6); // 1 µF: one inference at 8 mA empties it past brown-out
    upload(call, pkgBytes, 4000);
    call({ type: 'deployCommit' });
    call({ type: 'waitCharged' });
    sp.currentLimitA = 0; // the harvester stops delivering
    const input = new Uint8Array(64).fill(200);
    expect(call({ type: 'infer', input })).toMatchObject({ type: 'nak', code: NakCode.BrownOut });
    expect(board.groundTruth().at(-1)).toMatchObject({ completed: false });
    sp.currentLimitA = 0.05;
    expect(call({ type: 'infer', input })).toMatchObject({ type: 'inferResult' });
    expect(call({ type: 'getCounters' })).toMatchObject({ counters: { brownOuts: 1, resets: 2 } });
  });

  it('the energy the supply reports equals the ground truth drawn at the rail plus the stored charge', () => {
    const { call, board, power, supplied } = rig();
    upload(call, pkgBytes, 4000);
    call({ type: 'deployCommit' });
    call({ type: 'waitCharged' });
    const e0 = supplied();
    const t0 = board.groundTruth().length;
    const input = new Uint8Array(64).fill(9);
    for (let m = 0; m < 3; m++) {
      call({ type: 'selectMode', mode: m });
      for (let i = 0; i < 5; i++) call({ type: 'infer', input });
    }
    const truth = board.groundTruth().slice(t0);
    expect(truth.every((t) => t.completed)).toBe(true);
    const drawn = truth.reduce((a, t) => a + t.energyJ, 0);
    // at the 3.3 V setpoint in CV, the supply carries each inference exactly: nothing else ran
    expect(supplied() - e0).toBeCloseTo(drawn, 15);
    expect(power.voltageV).toBe(3.3);
    // latency ground truth equals the cost model's cycles at 80 MHz
    expect(truth[0]!.latencyUs).toBeGreaterThan(truth[14]!.latencyUs);
  });
});
