/**
 * Harvest traces from Shepherd testbed recordings (HDF5, read with h5wasm). Per the Shepherd
 * data-format docs: `/data/time` holds each sample's time in ns, `/data/voltage` and
 * `/data/current` the raw ADC values, converted with their `gain` and `offset` attributes
 * (SI = raw × gain + offset); the root `mode` attribute tells harvesting from load recordings.
 * Shepherd samples at 100 kHz, far finer than a supply can follow, so V × I is averaged over
 * windows of `stepS`. Datasets are read in slices, so a long recording never sits in memory
 * whole. Small negative powers (ADC offset noise) count as 0. h5wasm is imported on first use,
 * so loading the package (and every `eve` command) does not instantiate its WASM module.
 */
import { EveError, validateTrace, type HarvestTrace } from '@eve-bench/device-agent';

export interface ShepherdOptions {
  /** Replay step, seconds (default 0.01). */
  stepS?: number;
  /** Samples read per slice (default 1 << 20). */
  sliceSamples?: number;
}

type H5Dataset = { shape: number[] | null; slice(ranges: Array<[number, number]>): unknown; attrs: Record<string, { value: unknown }> };

function bad(path: string, why: string): EveError {
  return new EveError('TRACE_SHEPHERD_INVALID', `${path}: ${why}`);
}

export async function readShepherdTrace(path: string, options: ShepherdOptions = {}): Promise<HarvestTrace> {
  const stepS = options.stepS ?? 0.01;
  const sliceSamples = options.sliceSamples ?? 1 << 20;
  if (!(stepS > 0) || !Number.isFinite(stepS)) throw new EveError('REPLAY_BAD_OPTION', `stepS must be a positive number, got ${stepS}`);
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  let file: InstanceType<typeof h5wasm.File>;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (e) {
    throw new EveError('TRACE_SHEPHERD_UNREADABLE', `${path}: not a readable HDF5 file (${(e as Error).message})`, { cause: e });
  }
  try {
    const mode = file.attrs['mode']?.value;
    if (typeof mode === 'string' && /load/i.test(mode)) throw bad(path, `a '${mode}' recording measures a load, not a harvester`);
    const ds = (name: string): H5Dataset => {
      const d = file.get(`data/${name}`) as unknown as H5Dataset | null;
      if (!d || typeof d.slice !== 'function') throw bad(path, `missing dataset /data/${name}`);
      return d;
    };
    const [time, voltage, current] = [ds('time'), ds('voltage'), ds('current')];
    const n = time.shape?.[0] ?? 0;
    if (voltage.shape?.[0] !== n || current.shape?.[0] !== n) throw bad(path, `time, voltage and current differ in length (${n}, ${voltage.shape?.[0]}, ${current.shape?.[0]})`);
    if (n < 2) throw new EveError('TRACE_EMPTY', `${path}: fewer than two samples`);
    const cal = (d: H5Dataset, name: string) => {
      const gain = Number(d.attrs['gain']?.value);
      const offset = Number(d.attrs['offset']?.value);
      if (!Number.isFinite(gain) || !Number.isFinite(offset)) throw bad(path, `/data/${name} lacks numeric gain/offset attributes`);
      return { gain, offset };
    };
    const [cv, ci] = [cal(voltage, 'voltage'), cal(current, 'current')];
    const sums: number[] = [];
    const counts: number[] = [];
    let t0: number | undefined;
    let last = -Infinity;
    for (let start = 0; start < n; start += sliceSamples) {
      const end = Math.min(n, start + sliceSamples);
      const ts = time.slice([[start, end]]) as ArrayLike<number | bigint>;
      const vs = voltage.slice([[start, end]]) as ArrayLike<number | bigint>;
      const is = current.slice([[start, end]]) as ArrayLike<number | bigint>;
      for (let k = 0; k < end - start; k++) {
        const tNs = Number(ts[k]!);
        if (!(tNs > last)) throw bad(path, `time is not strictly increasing at sample ${start + k}`);
        last = tNs;
        t0 ??= tNs;
        const p = (Number(vs[k]!) * cv.gain + cv.offset) * (Number(is[k]!) * ci.gain + ci.offset);
        if (!Number.isFinite(p)) throw bad(path, `sample ${start + k} is not a number`);
        const w = Math.floor((tNs - t0) / 1e9 / stepS);
        sums[w] = (sums[w] ?? 0) + Math.max(0, p);
        counts[w] = (counts[w] ?? 0) + 1;
      }
    }
    // A window with no samples (a gap in the recording) holds the previous window's power.
    const powerW = new Float64Array(sums.length);
    for (let w = 0; w < sums.length; w++) powerW[w] = counts[w] ? sums[w]! / counts[w]! : (w > 0 ? powerW[w - 1]! : 0);
    const name = path.split('/').pop() ?? path;
    return validateTrace({ name, stepS, powerW, provenance: `shepherd:${path}` });
  } catch (e) {
    if (e instanceof EveError) throw e;
    // h5wasm opens anything and fails on first access; whatever it says, the file is unusable.
    throw new EveError('TRACE_SHEPHERD_UNREADABLE', `${path}: not a readable HDF5 file (${(e as Error).message})`, { cause: e });
  } finally {
    try {
      file.close();
    } catch {
      // Closing a file h5wasm never managed to open fails too; the error above is the one to report.
    }
  }
}
