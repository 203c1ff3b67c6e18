/**
 * Users' own data behind the dataset port. Layouts (docs/ARCHITECTURE.md, "User data"):
 *
 * - CSV: one example per line, comma-separated numbers, the class label (an integer from 0) in the
 *   last column; an optional first line of column names (recognised by a non-numeric cell).
 * - NPY: a features file of shape (N, F), (N, H, W) or (N, H, W, C), any numeric dtype, and a labels
 *   file of shape (N,) with an integer dtype.
 *
 * The port carries uint8 features (devices take uint8 input). uint8 features pass unchanged;
 * anything else is mapped linearly from [min, max] over all examples onto 0..255, and the mapping
 * is returned so a deployment can apply it to live sensor data. Examples are split into train,
 * validation and test with a seeded shuffle.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { EveError } from '@eve-bench/device-agent';
import { createRng } from '../rng/rng.js';
import type { Dataset, Split } from './dataset.js';
import { parseNpy } from './npy.js';

export interface UserDataOptions {
  /** A CSV file (features and label) or an NPY features file. */
  features: string;
  /** The NPY labels file (required with NPY features, not allowed with CSV). */
  labels?: string;
  /** HWC shape of one example; default: from the NPY shape, else [1, 1, features]. */
  shape?: [number, number, number];
  /** Number of classes; default: largest label + 1. */
  classes?: number;
  /** Fractions held out for validation and test (default 0.1 each). */
  valFraction?: number;
  testFraction?: number;
  seed: number;
  name?: string;
}

export interface UserDataset extends Dataset {
  /** uint8 = round((x - offset) * scale), clamped to 0..255; identity for uint8 files. */
  scaling: { offset: number; scale: number };
}

interface Table {
  rows: number;
  features: number;
  values: Float64Array;
  labels: Float64Array;
  shape?: [number, number, number];
  uint8: boolean;
}

export function parseCsv(text: string, source: string): Table {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const rows: number[][] = [];
  let width = -1;
  lines.forEach((line, i) => {
    if (line.length === 0) return;
    const cells = line.split(',').map((c) => c.trim());
    const nums = cells.map(Number);
    const numeric = cells.every((c, k) => c.length > 0 && Number.isFinite(nums[k]));
    if (!numeric) {
      if (rows.length === 0 && width < 0) { width = cells.length; return; } // the header line
      const k = cells.findIndex((c, j) => c.length === 0 || !Number.isFinite(nums[j]));
      throw new EveError('DATA_VALUE', `${source}:${i + 1}: column ${k + 1} is not a finite number ('${cells[k]}')`);
    }
    if (width < 0) width = cells.length;
    if (cells.length !== width) throw new EveError('DATA_SHAPE', `${source}:${i + 1}: ${cells.length} columns, expected ${width} like the first line`);
    rows.push(nums);
  });
  if (width < 2) throw new EveError('DATA_SHAPE', `${source}: needs at least one feature column and the label column`);
  if (rows.length === 0) throw new EveError('DATA_TOO_FEW', `${source}: no examples`);
  const features = width - 1;
  const values = new Float64Array(rows.length * features);
  const labels = new Float64Array(rows.length);
  rows.forEach((r, i) => { values.set(r.slice(0, features), i * features); labels[i] = r[features]!; });
  const uint8 = values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
  return { rows: rows.length, features, values, labels, uint8 };
}

async function readTable(o: UserDataOptions): Promise<Table> {
  const read = async (p: string) => {
    try { return new Uint8Array(await readFile(p)); } catch (e) { throw new EveError('DATA_UNREADABLE', `cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e }); }
  };
  const ext = extname(o.features).toLowerCase();
  if (ext === '.csv') {
    if (o.labels) throw new EveError('DATA_LAYOUT', `${o.labels}: a CSV carries its labels in its last column; give no labels file`);
    return parseCsv(new TextDecoder().decode(await read(o.features)), o.features);
  }
  if (ext !== '.npy') throw new EveError('DATA_LAYOUT', `${o.features}: expected a .csv or .npy file`);
  if (!o.labels) throw new EveError('DATA_LAYOUT', `${o.features}: NPY features need a labels .npy file`);
  const x = parseNpy(await read(o.features), o.features);
  const y = parseNpy(await read(o.labels), o.labels);
  if (x.shape.length < 2 || x.shape.length > 4) throw new EveError('DATA_SHAPE', `${o.features}: shape (${x.shape.join(', ')}) must be (N, F), (N, H, W) or (N, H, W, C)`);
  if (y.shape.length !== 1) throw new EveError('DATA_SHAPE', `${o.labels}: labels must have shape (N,), got (${y.shape.join(', ')})`);
  if (!y.integer) throw new EveError('DATA_DTYPE', `${o.labels}: labels must have an integer dtype, got ${y.dtype}`);
  if (x.shape[0] !== y.shape[0]) throw new EveError('DATA_ROW_MISMATCH', `${o.features} has ${x.shape[0]} examples but ${o.labels} has ${y.shape[0]} labels`);
  const rows = x.shape[0]!;
  const features = rows === 0 ? 0 : x.values.length / rows;
  const s = x.shape;
  const shape: [number, number, number] | undefined = s.length === 3 ? [s[1]!, s[2]!, 1] : s.length === 4 ? [s[1]!, s[2]!, s[3]!] : undefined;
  if (x.values.some((v) => !Number.isFinite(v))) throw new EveError('DATA_VALUE', `${o.features}: contains NaN or infinite values`);
  return { rows, features, values: x.values, labels: y.values, shape, uint8: x.dtype.endsWith('u1') };
}

function fraction(v: number | undefined, name: string): number {
  const f = v ?? 0.1;
  if (!(f >= 0 && f < 1)) throw new EveError('DATA_COUNT_INVALID', `${name} must be in [0, 1), got ${v}`);
  return f;
}

export async function loadUserData(o: UserDataOptions): Promise<UserDataset> {
  const t = await readTable(o);
  if (t.rows === 0) throw new EveError('DATA_TOO_FEW', `${o.features}: no examples`);
  const shape = o.shape ?? t.shape ?? [1, 1, t.features];
  if (shape[0] * shape[1] * shape[2] !== t.features) throw new EveError('DATA_SHAPE', `${o.features}: ${t.features} values per example do not fit shape ${shape.join('x')}`);
  let top = 0;
  t.labels.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || (o.classes !== undefined && l >= o.classes)) {
      throw new EveError('DATA_LABEL_RANGE', `${o.labels ?? o.features}: example ${i} has label ${l}; labels must be integers in [0, ${o.classes ?? 'classes'})`);
    }
    top = Math.max(top, l);
  });
  const classes = o.classes ?? top + 1;
  if (classes < 2 || classes > 255) throw new EveError('DATA_LABEL_RANGE', `${o.features}: ${classes} classes; 2..255 are supported`);
  const [valF, testF] = [fraction(o.valFraction, 'valFraction'), fraction(o.testFraction, 'testFraction')];
  const nVal = Math.round(t.rows * valF);
  const nTest = Math.round(t.rows * testF);
  if (t.rows - nVal - nTest < 1) throw new EveError('DATA_TOO_FEW', `${o.features}: ${t.rows} examples leave none for training`);
  let [min, max] = [Infinity, -Infinity];
  t.values.forEach((v) => { if (v < min) min = v; if (v > max) max = v; });
  const scaling = t.uint8 ? { offset: 0, scale: 1 } : { offset: min, scale: max > min ? 255 / (max - min) : 1 };
  const order = Array.from({ length: t.rows }, (_, i) => i);
  createRng(o.seed).shuffle(order);
  const pick = (idx: number[]): Split => {
    const images = new Uint8Array(idx.length * t.features);
    const labels = new Uint8Array(idx.length);
    idx.forEach((j, i) => {
      for (let f = 0; f < t.features; f++) images[i * t.features + f] = Math.min(255, Math.max(0, Math.round((t.values[j * t.features + f]! - scaling.offset) * scaling.scale)));
      labels[i] = t.labels[j]!;
    });
    return { images, labels, count: idx.length };
  };
  return {
    name: o.name ?? o.features,
    features: t.features,
    shape,
    classes,
    train: pick(order.slice(nVal + nTest)),
    val: pick(order.slice(0, nVal)),
    test: pick(order.slice(nVal, nVal + nTest)),
    scaling,
  };
}
