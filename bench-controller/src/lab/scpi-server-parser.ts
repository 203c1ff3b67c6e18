/**
 * The SCPI grammar the simulator understands: header patterns in the manuals' notation
 * (`[:SOURce#]:VOLTage[:LEVel[:IMMediate[:AMPLitude]]]`, upper case = short form, `#` = optional
 * numeric suffix, [] = optional) matched case-insensitively in short or long form, and program
 * messages split into units at `;`. Hand-written: the grammar is small and no maintained npm
 * package parses SCPI on the instrument side.
 */

export interface PatternNode {
  short: string;
  long: string;
  suffix: boolean;
}

type PatternItem = PatternNode | { optional: PatternItem[] };

/** A command-side error that goes into the instrument's error queue. */
export class ScpiExecError extends Error {
  constructor(readonly scpiCode: number, readonly scpiMessage: string) {
    super(`${scpiCode},"${scpiMessage}"`);
  }
}

export const undefinedHeader = () => new ScpiExecError(-113, 'Undefined header');

/** Expands a pattern into every concrete node sequence it allows. */
export function expandPattern(pattern: string): PatternNode[][] {
  let i = 0;
  const parseSeq = (): PatternItem[] => {
    const items: PatternItem[] = [];
    while (i < pattern.length && pattern[i] !== ']') {
      const c = pattern[i]!;
      if (c === ':') {
        i++;
      } else if (c === '[') {
        i++;
        items.push({ optional: parseSeq() });
        if (pattern[i] !== ']') throw new Error(`unbalanced [ in pattern ${pattern}`);
        i++;
      } else {
        const m = /^([A-Za-z*]+)(#?)/.exec(pattern.slice(i));
        if (!m) throw new Error(`bad pattern ${pattern} at ${i}`);
        const word = m[1]!;
        items.push({ short: word.replace(/[a-z]/g, ''), long: word.toUpperCase(), suffix: m[2] === '#' });
        i += m[0].length;
      }
    }
    return items;
  };
  const expand = (items: PatternItem[]): PatternNode[][] => {
    let out: PatternNode[][] = [[]];
    for (const item of items) {
      if ('optional' in item) {
        const inner = expand(item.optional);
        out = out.flatMap((prefix) => [prefix, ...inner.map((x) => [...prefix, ...x])]);
      } else {
        out = out.map((prefix) => [...prefix, item]);
      }
    }
    return out;
  };
  const items = parseSeq();
  if (i !== pattern.length) throw new Error(`unbalanced ] in pattern ${pattern}`);
  return expand(items);
}

export interface HeaderNode {
  name: string;
  suffix: number | undefined;
}

export interface ParsedUnit {
  /** True for `*XXX` common commands; `nodes` then holds the single mnemonic. */
  common: boolean;
  absolute: boolean;
  nodes: HeaderNode[];
  query: boolean;
  args: string[];
}

/** Parses one program message unit (`:SOUR1:VOLT 5`, `MEAS? CH1`, `*IDN?`). */
export function parseUnit(text: string): ParsedUnit {
  const m = /^(\S+)(?:\s+(.*))?$/.exec(text);
  if (!m) throw undefinedHeader();
  let header = m[1]!;
  const argText = (m[2] ?? '').trim();
  const query = header.endsWith('?');
  if (query) header = header.slice(0, -1);
  const args = argText === '' ? [] : argText.split(',').map((a) => a.trim());
  if (header.startsWith('*')) {
    if (!/^\*[A-Za-z]+$/.test(header)) throw undefinedHeader();
    return { common: true, absolute: true, nodes: [{ name: header.toUpperCase(), suffix: undefined }], query, args };
  }
  const absolute = header.startsWith(':');
  if (absolute) header = header.slice(1);
  const nodes: HeaderNode[] = [];
  for (const part of header.split(':')) {
    const n = /^([A-Za-z]+)(\d*)$/.exec(part);
    if (!n) throw undefinedHeader();
    nodes.push({ name: n[1]!.toUpperCase(), suffix: n[2] ? Number(n[2]) : undefined });
  }
  return { common: false, absolute, nodes, query, args };
}

/** Matches header nodes against one expansion; returns the numeric suffix (if any) or null on mismatch. */
export function matchNodes(nodes: HeaderNode[], pattern: PatternNode[]): { suffix: number | undefined } | null {
  if (nodes.length !== pattern.length) return null;
  let suffix: number | undefined;
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k]!;
    const p = pattern[k]!;
    if (n.name !== p.short && n.name !== p.long) return null;
    if (n.suffix !== undefined) {
      if (!p.suffix) return null;
      suffix = n.suffix;
    }
  }
  return { suffix };
}

/** Splits a line into message units at `;`, leaving quoted strings intact. */
export function splitUnits(line: string): string[] {
  const units: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = undefined;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ';') {
      units.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  units.push(current);
  return units.map((u) => u.trim()).filter((u) => u !== '');
}
