/**
 * Training checkpoints: the weights, the optimizer's state (Adam's step count and moments) and
 * the position in the data order (epoch, next batch). The data order itself is not stored: each
 * epoch's order is a pure function of (seed, epoch), so the position is enough to replay it.
 * `FileCheckpointStore` writes one JSON file atomically (temp file, fsync, rename): a kill at any
 * moment leaves either the previous checkpoint or the new one, never a torn file.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { EveError } from '@eve-bench/device-agent';

export interface TensorState {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface TrainCheckpoint {
  /** What run this belongs to (network, seed, batch size, ...): a checkpoint of another run is refused. */
  fingerprint: string;
  epoch: number;
  /** The next batch to run within `epoch`. */
  batch: number;
  /** Variables in the graph's order (weights, then biases), tf layout. */
  vars: TensorState[];
  optimizer: TensorState[];
  /** The training's own state beyond weights and optimizer (e.g. pruning masks), if it has any. */
  extra?: TensorState[];
}

/** Where checkpoints live: a file, a campaign store, memory in tests. */
export interface CheckpointStore {
  load(): Promise<TrainCheckpoint | null>;
  save(c: TrainCheckpoint): Promise<void>;
}

export class MemoryCheckpointStore implements CheckpointStore {
  last: TrainCheckpoint | null = null;
  saves = 0;
  async load(): Promise<TrainCheckpoint | null> {
    return this.last && structuredClone(this.last);
  }
  async save(c: TrainCheckpoint): Promise<void> {
    this.last = structuredClone(c);
    this.saves++;
  }
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromB64(s: string, where: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.length % 4 !== 0) throw new EveError('CHECKPOINT_INVALID', `${where}: data is not a whole number of float32 values`);
  const out = new Float32Array(buf.length / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function parseTensors(v: unknown, where: string): TensorState[] {
  if (!Array.isArray(v)) throw new EveError('CHECKPOINT_INVALID', `${where} must be an array`);
  return v.map((t: { name?: unknown; shape?: unknown; data?: unknown }, i) => {
    if (typeof t?.name !== 'string' || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0) || typeof t.data !== 'string') {
      throw new EveError('CHECKPOINT_INVALID', `${where}[${i}] needs name, shape and base64 data`);
    }
    const data = fromB64(t.data, `${where}[${i}]`);
    const size = (t.shape as number[]).reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new EveError('CHECKPOINT_INVALID', `${where}[${i}]: shape ${JSON.stringify(t.shape)} holds ${size} values, data has ${data.length}`);
    return { name: t.name, shape: t.shape as number[], data };
  });
}

export class FileCheckpointStore implements CheckpointStore {
  constructor(private readonly path: string) {}

  async load(): Promise<TrainCheckpoint | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new EveError('CHECKPOINT_UNREADABLE', `cannot read checkpoint ${this.path}`, { cause: e });
    }
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new EveError('CHECKPOINT_INVALID', `checkpoint ${this.path} is not JSON`, { cause: e });
    }
    const { fingerprint, epoch, batch } = raw;
    if (typeof fingerprint !== 'string' || !Number.isInteger(epoch) || !Number.isInteger(batch) || (epoch as number) < 0 || (batch as number) < 0) {
      throw new EveError('CHECKPOINT_INVALID', `checkpoint ${this.path}: fingerprint, epoch and batch are required`);
    }
    return { fingerprint, epoch: epoch as number, batch: batch as number, vars: parseTensors(raw.vars, 'vars'), optimizer: parseTensors(raw.optimizer, 'optimizer'), ...(raw.extra === undefined ? {} : { extra: parseTensors(raw.extra, 'extra') }) };
  }

  async save(c: TrainCheckpoint): Promise<void> {
    const enc = (ts: TensorState[]) => ts.map((t) => ({ name: t.name, shape: t.shape, data: b64(t.data) }));
    const text = JSON.stringify({ fingerprint: c.fingerprint, epoch: c.epoch, batch: c.batch, vars: enc(c.vars), optimizer: enc(c.optimizer), ...(c.extra ? { extra: enc(c.extra) } : {}) });
    const tmp = `${this.path}.tmp-${process.pid}`;
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw new EveError('CHECKPOINT_UNWRITABLE', `cannot write checkpoint ${this.path}`, { cause: e });
    }
  }
}
