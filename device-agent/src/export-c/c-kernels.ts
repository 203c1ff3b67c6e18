/**
 * The C99 kernels the generator emits (int8, and float32 from the same templates), one string per kernel so a model only carries the
 * ones it uses (-Wall -Werror rejects unused static functions). They mirror
 * ../runtime/int8-kernels.ts operation for operation; integer arithmetic makes the order of the
 * additions irrelevant, so the results are bit-exact. Pure C99: fixed-width types, no floating
 * point, no allocation; `>>` on a negative int64_t is an arithmetic shift on every compiler we
 * target (gcc, clang, msp430-gcc, arm-none-eabi-gcc), as TFLite Micro also assumes.
 */

export const REQUANTIZE = `/* (acc * m + 2^(shift-1)) >> shift, one rounding (TFLITE_SINGLE_ROUNDING), then saturate to
   lo..127: lo is -128, or 0 when a following ReLU is fused into the clamp. */
static int8_t eve_requantize(int32_t acc, int32_t m, int32_t shift, int32_t lo)
{
    int64_t p = (int64_t)acc * m + ((int64_t)1 << (shift - 1));
    int32_t v = (int32_t)(p >> shift);
    return (int8_t)(v > 127 ? 127 : (v < lo ? lo : v));
}
`;

/** What differs between the int8 and float32 kernels: types, the row's parameters and how a row ends. */
export interface CNumber {
  weight: string;
  act: string;
  acc: string;
  /** Parameters after the weights: bias, and for int8 the requantization; then the fused-ReLU switch. */
  rowParams: string;
  /** The output value from `acc` for row `r`, with a fused ReLU when the switch says so. */
  finish: string;
  /** The switch's argument without and with a fused ReLU. */
  relu: readonly [string, string];
}

export const INT8: CNumber = {
  weight: 'int8_t', act: 'int8_t', acc: 'int32_t',
  rowParams: 'const int32_t *bias, const int32_t *mult, const int32_t *shift, int32_t lo',
  finish: 'eve_requantize(acc, mult[r], shift[r], lo)',
  relu: ['-128', '0'],
};

export const FLOAT32: CNumber = {
  weight: 'float', act: 'float', acc: 'float', rowParams: 'const float *bias, int relu', finish: '(relu && acc < 0.0f) ? 0.0f : acc', relu: ['0', '1'],
};

export function kernels(t: CNumber) {
  return {
  dense: `static void eve_dense(const ${t.weight} *w, ${t.rowParams},
                      const ${t.act} *x, ${t.act} *y, uint16_t rows, uint16_t cols)
{
    uint16_t r, c;
    for (r = 0; r < rows; r++) {
        const ${t.weight} *wr = w + (uint32_t)r * cols;
        ${t.acc} acc = bias[r];
        for (c = 0; c < cols; c++) acc += (${t.acc})wr[c] * x[c];
        y[r] = ${t.finish};
    }
}
`,
  sparse: `/* Row r uses stored entries starts[r] .. ends[r]: the selected mode's prefix of the row. */
static void eve_sparse(const ${t.weight} *v, const uint16_t *col, const uint32_t *starts, const uint32_t *ends,
                       ${t.rowParams},
                       const ${t.act} *x, ${t.act} *y, uint16_t rows)
{
    uint16_t r;
    for (r = 0; r < rows; r++) {
        uint32_t i, end = ends[r];
        ${t.acc} acc = bias[r];
        for (i = starts[r]; i < end; i++) acc += (${t.acc})v[i] * x[col[i]];
        y[r] = ${t.finish};
    }
}
`,
  convDense: `/* Stride 1, 'valid', HWC: each output is k_h contiguous dot products of span = kernel_w * in_c. */
static void eve_conv_dense(const ${t.weight} *w, ${t.rowParams},
                           const ${t.act} *x, ${t.act} *y, uint16_t in_w, uint16_t in_c,
                           uint16_t out_h, uint16_t out_w, uint16_t out_c, uint16_t k_h, uint16_t span)
{
    uint16_t oy, ox, r, ky, c;
    uint32_t stride = (uint32_t)in_w * in_c;
    for (oy = 0; oy < out_h; oy++) {
        for (ox = 0; ox < out_w; ox++) {
            const ${t.act} *xb = x + ((uint32_t)oy * in_w + ox) * in_c;
            ${t.act} *yo = y + ((uint32_t)oy * out_w + ox) * out_c;
            const ${t.weight} *wr = w;
            for (r = 0; r < out_c; r++) {
                const ${t.act} *xr = xb;
                ${t.acc} acc = bias[r];
                for (ky = 0; ky < k_h; ky++, xr += stride, wr += span) {
                    for (c = 0; c < span; c++) acc += (${t.acc})wr[c] * xr[c];
                }
                yo[r] = ${t.finish};
            }
        }
    }
}
`,
  convSparse: `/* tap[i] is stored weight i's input offset from the window corner: a gather-MAC, as eve_sparse. */
static void eve_conv_sparse(const ${t.weight} *v, const uint16_t *tap, const uint32_t *starts, const uint32_t *ends,
                            ${t.rowParams},
                            const ${t.act} *x, ${t.act} *y, uint16_t in_w, uint16_t in_c,
                            uint16_t out_h, uint16_t out_w, uint16_t out_c)
{
    uint16_t oy, ox, r;
    for (oy = 0; oy < out_h; oy++) {
        for (ox = 0; ox < out_w; ox++) {
            const ${t.act} *xb = x + ((uint32_t)oy * in_w + ox) * in_c;
            ${t.act} *yo = y + ((uint32_t)oy * out_w + ox) * out_c;
            for (r = 0; r < out_c; r++) {
                uint32_t i, end = ends[r];
                ${t.acc} acc = bias[r];
                for (i = starts[r]; i < end; i++) acc += (${t.acc})v[i] * xb[tap[i]];
                yo[r] = ${t.finish};
            }
        }
    }
}
`,
  maxpool: `static void eve_maxpool(const ${t.act} *x, ${t.act} *y, uint16_t in_w, uint16_t ch, uint16_t size, uint16_t out_h, uint16_t out_w)
{
    uint16_t oy, ox, c, dy, dx;
    for (oy = 0; oy < out_h; oy++) {
        for (ox = 0; ox < out_w; ox++) {
            for (c = 0; c < ch; c++) {
                ${t.act} m = x[(((uint32_t)oy * size) * in_w + (uint32_t)ox * size) * ch + c];
                for (dy = 0; dy < size; dy++) {
                    for (dx = 0; dx < size; dx++) {
                        ${t.act} v = x[(((uint32_t)oy * size + dy) * in_w + ((uint32_t)ox * size + dx)) * ch + c];
                        if (v > m) m = v;
                    }
                }
                y[((uint32_t)oy * out_w + ox) * ch + c] = m;
            }
        }
    }
}
`,
  relu: `static void eve_relu(${t.act} *x, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++) if (x[i] < 0) x[i] = 0;
}
`,
  };
}

export type KernelName = keyof ReturnType<typeof kernels>;

/** A host harness (not for the MCU): `eve_host MODE < inputs > logits`, EVE_INPUT_SIZE bytes in, EVE_OUTPUTS logits out per input. */
export const HOST_MAIN = `#include <stdio.h>
#include <stdlib.h>
#include "eve_model.h"

int main(int argc, char **argv)
{
    static uint8_t in[EVE_INPUT_SIZE];
    eve_logit_t out[EVE_OUTPUTS];
    if (argc != 2 || eve_set_mode((unsigned)atoi(argv[1])) != 0) {
        fprintf(stderr, "usage: %s MODE (0..%d) < inputs > logits\\n", argv[0], EVE_MODES - 1);
        return 2;
    }
    while (fread(in, 1, EVE_INPUT_SIZE, stdin) == EVE_INPUT_SIZE) {
        eve_infer(in, out);
        if (fwrite(out, sizeof out[0], EVE_OUTPUTS, stdout) != EVE_OUTPUTS) return 1;
    }
    return 0;
}
`;
