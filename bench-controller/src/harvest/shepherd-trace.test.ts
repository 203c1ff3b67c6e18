import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import h5wasm from 'h5wasm/node';
import { readShepherdTrace } from './shepherd-trace.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eve-shepherd-'));
  await h5wasm.ready;
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A tiny recording in Shepherd's layout: 1 kHz samples, raw ADC values with gain/offset. */
function writeRecording(name: string, o: { mode?: string; samples?: number; dropCurrent?: boolean; noGain?: boolean } = {}): string {
  const path = join(dir, name);
  const n = o.samples ?? 40;
  const f = new h5wasm.File(path, 'w');
  f.create_attribute('mode', o.mode ?? 'harvester');
  const g = f.create_group('data');
  g.create_dataset({ name: 'time', data: BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * 1_000_000n) });
  // voltage: raw 1000 + 10 i -> (raw * 0.002 + 0.1) V; current: raw 500 -> 500 * 2e-5 = 10 mA
  const v = g.create_dataset({ name: 'voltage', data: Uint32Array.from({ length: n }, (_, i) => 1000 + 10 * i) });
  if (!o.noGain) v.create_attribute('gain', 0.002);
  v.create_attribute('offset', 0.1);
  if (!o.dropCurrent) {
    const c = g.create_dataset({ name: 'current', data: Uint32Array.from({ length: n }, () => 500) });
    c.create_attribute('gain', 2e-5);
    c.create_attribute('offset', 0);
  }
  f.close();
  return path;
}

describe('readShepherdTrace', () => {
  it('converts raw values with gain/offset and averages V x I over each replay step', async () => {
    const path = writeRecording('rec.h5');
    const trace = await readShepherdTrace(path, { stepS: 0.01, sliceSamples: 7 });
    expect(trace.stepS).toBe(0.01);
    expect(trace.powerW.length).toBe(4);
    // Window 0 holds samples 0..9: mean V = (1000 + 45) * 0.002 + 0.1 = 2.19 V at 10 mA.
    expect(trace.powerW[0]).toBeCloseTo(2.19 * 0.01, 9);
    expect(trace.powerW[3]).toBeCloseTo(((1000 + 10 * 34.5) * 0.002 + 0.1) * 0.01, 9);
    expect(trace.provenance).toBe(`shepherd:${path}`);
  });

  it('refuses load recordings, missing datasets or calibration, and files that are not HDF5', async () => {
    await expect(readShepherdTrace(writeRecording('load.h5', { mode: 'load' }))).rejects.toMatchObject({ code: 'TRACE_SHEPHERD_INVALID', message: expect.stringContaining('load') });
    await expect(readShepherdTrace(writeRecording('noi.h5', { dropCurrent: true }))).rejects.toMatchObject({ code: 'TRACE_SHEPHERD_INVALID', message: expect.stringContaining('/data/current') });
    await expect(readShepherdTrace(writeRecording('nog.h5', { noGain: true }))).rejects.toMatchObject({ code: 'TRACE_SHEPHERD_INVALID', message: expect.stringContaining('gain') });
    const junk = join(dir, 'junk.h5');
    await writeFile(junk, 'not hdf5 at all');
    await expect(readShepherdTrace(junk)).rejects.toMatchObject({ code: 'TRACE_SHEPHERD_UNREADABLE' });
  });
});
