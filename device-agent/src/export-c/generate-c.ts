/**
 * C99 export of a package — int8 (the MCU path) or float32 (for parts with an FPU): weights as `const` arrays (the shared weight region, every mode
 * a prefix of each row), per-mode row ends, the int8 kernels, `eve_set_mode()` and `eve_infer()`.
 * No dynamic allocation, and in the int8 path no floating point: activations live in two static buffers sized here,
 * at generation time, to the widest layer. Files: eve_model.h, eve_model.c, and eve_host_main.c
 * (a stdin/stdout harness for host tests and instruction counts; not for the MCU).
 */
import { EveError } from '../errors/eve-error.js';
import type { EvePackage, WeightedLayer } from '../format/package-types.js';
import { convTaps } from '../runtime/conv-kernels.js';
import { fusesRelu } from '../runtime/extract.js';
import { FLOAT32, HOST_MAIN, INT8, REQUANTIZE, kernels as kernelsFor, type KernelName } from './c-kernels.js';

export type CSources = Record<'eve_model.h' | 'eve_model.c' | 'eve_host_main.c', string>;

/** A float32 value as a C literal that reads back to the same float (9 significant digits). */
function cFloat(v: number): string {
  if (!Number.isFinite(v)) throw new EveError('EXPORT_C_VALUE', `${v} has no C float literal`);
  return `${v.toPrecision(9)}f`;
}

function cArray(type: string, name: string, values: ArrayLike<number>): string {
  const parts: string[] = [];
  const fmt = type === 'float' ? cFloat : String;
  for (let i = 0; i < values.length; i += 24) parts.push('    ' + Array.prototype.slice.call(values, i, i + 24).map(fmt).join(', '));
  // C99 has no empty arrays; an empty one gets a single unused element
  return `static const ${type} ${name}[${Math.max(1, values.length)}] = {\n${parts.length ? parts.join(',\n') : '    0'}\n};\n`;
}

function checkU16(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EveError('EXPORT_C_LIMIT', `${what} = ${v} does not fit the C kernels' uint16_t`);
  return v;
}

function layerArrays(l: WeightedLayer, i: number, modes: number): string {
  const q = l.int8;
  const p = `eve_l${i}`;
  let out = `/* layer ${i}: ${l.kind} ${l.outFeatures}x${l.inFeatures}, ${l.format}${q ? `; scales in ${q.inScale}, out ${q.outScale}` : ''} */\n`;
  if (q) {
    out += cArray('int8_t', `${p}_values`, q.values);
    out += cArray('int32_t', `${p}_bias`, q.bias) + cArray('int32_t', `${p}_mult`, q.multiplier) + cArray('int32_t', `${p}_shift`, q.shift);
  } else {
    out += cArray('float', `${p}_values`, l.values) + cArray('float', `${p}_bias`, l.bias);
  }
  if (l.format === 'rowPrefixSparse') {
    // a conv row's columns become taps (input offsets from the window corner), so its inner loop is one gather
    const index = l.kind === 'conv2d'
      ? cArray('uint16_t', `${p}_taps`, convTaps(l.columns, l.input[1], l.input[2], l.kernelH, l.kernelW).map((v) => checkU16(v, `layer ${i} tap offset`)))
      : cArray('uint16_t', `${p}_columns`, l.columns);
    out += index + cArray('uint32_t', `${p}_row_starts`, l.rowStarts);
    out += `/* [mode][row]: where each mode's prefix of each row ends */\n` + cArray('uint32_t', `${p}_row_ends`, l.rowEnds.subarray(0, modes * l.outFeatures));
  }
  return out;
}

/** C sources for a package in its number format. */
export function generateC(pkg: EvePackage): CSources {
  const int8 = pkg.dtype === 'int8';
  const t = int8 ? INT8 : FLOAT32;
  const modes = pkg.modes.length;
  const inputSize = pkg.input[0] * pkg.input[1] * pkg.input[2];
  const used = new Set<KernelName>();
  const data: string[] = [];
  const calls: string[] = [];
  let widest = pkg.outputs;
  let cur = 'eve_in';
  let width = inputSize;
  let flip = 0;
  const next = () => `eve_buf[${(flip ^= 1)}]`;
  pkg.layers.forEach((l, i) => {
    const p = `eve_l${i}`;
    if (l.kind === 'dense' || l.kind === 'conv2d') {
      data.push(layerArrays(l, i, modes));
      const out = next();
      const rq = `${int8 ? `${p}_bias, ${p}_mult, ${p}_shift` : `${p}_bias`}, ${t.relu[fusesRelu(pkg.layers, i) ? 1 : 0]}`;
      const ends = `${p}_row_ends + (uint32_t)eve_mode * ${l.outFeatures}u`;
      if (l.kind === 'dense') {
        const [rows, cols] = [checkU16(l.outFeatures, `layer ${i} rows`), checkU16(l.inFeatures, `layer ${i} cols`)];
        if (l.format === 'dense') { used.add('dense'); calls.push(`eve_dense(${p}_values, ${rq}, ${cur}, ${out}, ${rows}, ${cols});`); }
        else { used.add('sparse'); calls.push(`eve_sparse(${p}_values, ${p}_columns, ${p}_row_starts, ${ends}, ${rq}, ${cur}, ${out}, ${rows});`); }
        width = rows;
      } else {
        const g = [l.input[1], l.input[2], l.output[0], l.output[1], l.output[2]].map((v, k) => checkU16(v, `layer ${i} geometry[${k}]`)).join(', ');
        if (l.format === 'dense') { used.add('convDense'); calls.push(`eve_conv_dense(${p}_values, ${rq}, ${cur}, ${out}, ${g}, ${l.kernelH}, ${checkU16(l.kernelW * l.input[2], `layer ${i} kernel row`)});`); }
        else { used.add('convSparse'); calls.push(`eve_conv_sparse(${p}_values, ${p}_taps, ${p}_row_starts, ${ends}, ${rq}, ${cur}, ${out}, ${g});`); }
        width = l.output[0] * l.output[1] * l.output[2];
      }
      cur = out;
    } else if (l.kind === 'maxpool') {
      used.add('maxpool');
      const out = next();
      const g = [l.input[1], l.input[2], l.size, l.output[0], l.output[1]].map((v) => checkU16(v, `layer ${i} pooling`)).join(', ');
      calls.push(`eve_maxpool(${cur}, ${out}, ${g});`);
      width = l.output[0] * l.output[1] * l.output[2];
      cur = out;
    } else if (l.kind === 'relu' && fusesRelu(pkg.layers, i - 1)) {
      calls.push('/* relu: fused into the previous layer\'s output clamp */');
    } else if (l.kind === 'relu') {
      used.add('relu');
      calls.push(`eve_relu(${cur}, ${width}u);`);
    } else {
      calls.push(`/* ${l.kind}: ${l.kind === 'flatten' ? 'HWC is already flat' : 'skipped, argmax needs no probabilities'} */`);
    }
    widest = Math.max(widest, width);
  });
  const guard = 'EVE_MODEL_H';
  const header = `/* Generated by eve package export-c from '${pkg.name}' (${pkg.dtype}). Do not edit. */
#ifndef ${guard}
#define ${guard}
#include <stdint.h>

#define EVE_INPUT_SIZE ${inputSize}
#define EVE_OUTPUTS ${pkg.outputs}
#define EVE_MODES ${modes}
typedef ${t.act} eve_logit_t;

/* Selects the mode eve_infer runs (0 = densest). Returns 0, or -1 if mode >= EVE_MODES. */
int eve_set_mode(unsigned mode);
/* One inference on EVE_INPUT_SIZE input bytes (pixels). Writes EVE_OUTPUTS logits when logits
   is not NULL; returns the class, the first index of the largest logit. Not reentrant. */
int eve_infer(const uint8_t *input, eve_logit_t *logits);

#endif
`;
  const all = kernelsFor(t);
  const kernels = (Object.keys(all) as KernelName[]).filter((k) => used.has(k)).map((k) => all[k]);
  const source = `/* Generated by eve package export-c from '${pkg.name}' (${pkg.dtype}). Do not edit.
   Modes: ${pkg.modes.map((m, k) => `${k} '${m.name}' ${(m.sparsity * 100).toFixed(1)} % sparse`).join(', ')}. */
#include <stddef.h>
#include "eve_model.h"

${data.join('\n')}
/* activations: sized at generation time to the widest layer (${widest}) */
static ${t.act} eve_in[${inputSize}];
static ${t.act} eve_buf[2][${widest}];
static unsigned eve_mode;

${int8 ? REQUANTIZE : ''}
${kernels.join('\n')}
int eve_set_mode(unsigned mode)
{
    if (mode >= EVE_MODES) return -1;
    eve_mode = mode;
    return 0;
}

int eve_infer(const uint8_t *input, eve_logit_t *logits)
{
    uint32_t i;
    int best = 0;
    ${int8 ? `/* pixels p (p/255) enter as p >> 1 (scale 2/255) */
    for (i = 0; i < EVE_INPUT_SIZE; i++) eve_in[i] = (int8_t)(input[i] >> 1);` : `for (i = 0; i < EVE_INPUT_SIZE; i++) eve_in[i] = (float)input[i] / 255.0f;`}
    ${calls.join('\n    ')}
    for (i = 1; i < EVE_OUTPUTS; i++) if (${cur}[i] > ${cur}[best]) best = (int)i;
    if (logits != NULL) for (i = 0; i < EVE_OUTPUTS; i++) logits[i] = ${cur}[i];
    return best;
}
`;
  return { 'eve_model.h': header, 'eve_model.c': source, 'eve_host_main.c': HOST_MAIN };
}
