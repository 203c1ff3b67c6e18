/**
 * Harvest traces from CSV. Format (documented in docs/ARCHITECTURE.md, "Harvest replay"):
 *  - a header row naming the columns (any order, case-insensitive), then one row per sample;
 *    blank lines and lines starting with `#` are ignored;
 *  - `time_s`: seconds, strictly increasing, evenly spaced (within 1 % of the step); sample i
 *    holds from its time until the next;
 *  - and either `power_w` (harvested power), or `voltage_v` + `current_a` (power = V × I), or
 *    `isc_a` + `voc_v` (a solar cell per step; see solar-cell.ts).
 * Every bad row is refused with its line number (TRACE_CSV_BAD_ROW); nothing is guessed.
 * Hand-written: the format is a few numeric columns, not worth a CSV dependency.
 */
import { EveError, validateTrace, type HarvestTrace } from '@eve-bench/device-agent';
import type { SolarTrace } from './harvest-source.js';

export type CsvTrace = { kind: 'power'; trace: HarvestTrace } | { kind: 'solar'; trace: SolarTrace };

const MAX_ROWS = 10_000_000;
const KNOWN = ['time_s', 'power_w', 'voltage_v', 'current_a', 'isc_a', 'voc_v'] as const;

function bad(name: string, line: number, why: string): EveError {
  return new EveError('TRACE_CSV_BAD_ROW', `${name}: line ${line}: ${why}`);
}

export function parseCsvTrace(text: string, name: string): CsvTrace {
  if (typeof text !== 'string') throw new EveError('TRACE_CSV_BAD_HEADER', `${name}: expected CSV text`);
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  let headerLine = 0;
  const rows: Array<{ line: number; values: number[] }> = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const cells = raw.split(',').map((c) => c.trim());
    if (!header) {
      header = cells.map((c) => c.toLowerCase());
      headerLine = i + 1;
      continue;
    }
    if (cells.length !== header.length) throw bad(name, i + 1, `${cells.length} fields, the header has ${header.length}`);
    const values = cells.map((c, k) => {
      const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(c) ? Number(c) : NaN;
      if (!Number.isFinite(v)) throw bad(name, i + 1, `${header![k]} '${c.slice(0, 20)}' is not a number`);
      return v;
    });
    if (rows.length >= MAX_ROWS) throw bad(name, i + 1, `more than ${MAX_ROWS} samples`);
    rows.push({ line: i + 1, values });
  }
  if (!header) throw new EveError('TRACE_CSV_BAD_HEADER', `${name}: no header row`);
  const col = (c: string) => header!.indexOf(c);
  for (const h of header) {
    if (!(KNOWN as readonly string[]).includes(h)) throw new EveError('TRACE_CSV_BAD_HEADER', `${name}: line ${headerLine}: unknown column '${h}' (known: ${KNOWN.join(', ')})`);
  }
  if (new Set(header).size !== header.length) throw new EveError('TRACE_CSV_BAD_HEADER', `${name}: line ${headerLine}: a column appears twice`);
  const has = (...cs: string[]) => cs.every((c) => col(c) >= 0);
  const kind = has('power_w') ? 'power' : has('voltage_v', 'current_a') ? 'vi' : has('isc_a', 'voc_v') ? 'solar' : undefined;
  if (!has('time_s') || !kind || header.length !== (kind === 'power' ? 2 : 3)) {
    throw new EveError('TRACE_CSV_BAD_HEADER', `${name}: line ${headerLine}: columns must be time_s with power_w, voltage_v+current_a, or isc_a+voc_v; got ${header.join(',')}`);
  }
  if (rows.length < 2) throw new EveError('TRACE_EMPTY', `${name}: needs at least two samples to know the step`);
  const t = col('time_s');
  const stepS = (rows[rows.length - 1]!.values[t]! - rows[0]!.values[t]!) / (rows.length - 1);
  rows.forEach((r, i) => {
    const expected = rows[0]!.values[t]! + i * stepS;
    if (!(stepS > 0) || Math.abs(r.values[t]! - expected) > 0.01 * stepS) {
      throw bad(name, r.line, `time_s ${r.values[t]} is not on the even ${stepS} s grid (expected ${expected.toPrecision(6)}); resample the trace first`);
    }
  });
  const column = (c: string, unit: string) => Float64Array.from(rows, (r) => {
    const v = r.values[col(c)]!;
    if (v < 0) throw bad(name, r.line, `${c} ${v} ${unit} is negative`);
    return v;
  });
  const provenance = `csv:${name}`;
  if (kind === 'solar') {
    return { kind, trace: { name, stepS, iscA: column('isc_a', 'A'), vocV: column('voc_v', 'V'), provenance } };
  }
  const powerW = kind === 'power' ? column('power_w', 'W') : (() => {
    const v = column('voltage_v', 'V');
    const a = column('current_a', 'A');
    return v.map((x, i) => x * a[i]!);
  })();
  return { kind: 'power', trace: validateTrace({ name, stepS, powerW, provenance }) };
}
