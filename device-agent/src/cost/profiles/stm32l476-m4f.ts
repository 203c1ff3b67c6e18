import { macCycles, type DeviceProfile, type MacRecipe } from '../device-profile.js';

/**
 * STM32L476 (Arm Cortex-M4F), 80 MHz from flash with the ART accelerator; the deployed package
 * (weights) lives in flash, activations in SRAM1.
 * Sources: ST DS10198 (STM32L476xx datasheet); ST RM0351 (reference manual), §3.3 (embedded
 * flash: wait states, ART); Arm DDI 0439B (Cortex-M4 TRM), §3.3 (instruction timings, load/store
 * pipelining) and Table 7-1 (FPU instruction cycles).
 */

// Flash at 80 MHz, Range 1: RM0351 §3.3.3 Table 9: 4 wait states. A flash line is 64 bits; the
// ART data cache (RM0351 §3.3.4) holds recently read lines but weights stream through once, so each
// new line costs the 4 wait states (approx.: ignores the occasional hit).
const FLASH_WAIT_STATES = 4;
const FLASH_LINE_BYTES = 8;

const float32: MacRecipe = {
  // VLDR: 2 cycles (DDI 0439B Table 7-1).
  loadWeight: 2,
  // VLDR after a load whose result does not form its address pipelines: one cycle less (DDI 0439B §3.3.2).
  loadActivation: 1,
  // VFMA.F32: 3 cycles (DDI 0439B Table 7-1); forwarding between chained VFMAs is not counted.
  mac: 3,
  // SUBS + BNE (1 + 2, DDI 0439B §3.3.1) over a 4-way unrolled body, pointers post-incremented (approx.).
  loopPerMac: 0.75,
  // 4 wait states per 8-byte line of 4-byte weights (see FLASH_*).
  weightWait: (FLASH_WAIT_STATES * 4) / FLASH_LINE_BYTES,
  // LDRH: 2 cycles, 1 when it follows another load (DDI 0439B §3.3.2).
  loadIndex: 1,
  // 4 wait states per 8-byte line of 2-byte indices.
  indexWait: (FLASH_WAIT_STATES * 2) / FLASH_LINE_BYTES,
  // VLDR has no register-offset mode: ADD.W Rt, Rx, Ri, LSL #2 (1 cycle, DDI 0439B §3.3.1).
  indexAddress: 1,
  // The VLDR's address comes from the ADD (+1 stall, no forwarding path, DDI 0439B §3.3.2) and so
  // it cannot pipeline with the preceding load either (+1).
  indirectPenalty: 2,
};

const int8: MacRecipe = {
  // LDRSB: 2 cycles; the second of two independent loads 1 (DDI 0439B §3.3.1, §3.3.2).
  loadWeight: 2,
  loadActivation: 1,
  // SMLABB (16x16+32 MAC): 1 cycle (DDI 0439B §3.3.1, "MAC" instructions).
  mac: 1,
  loopPerMac: 0.75,
  // 4 wait states per 8-byte line of 1-byte weights.
  weightWait: (FLASH_WAIT_STATES * 1) / FLASH_LINE_BYTES,
  loadIndex: 1,
  indexWait: (FLASH_WAIT_STATES * 2) / FLASH_LINE_BYTES,
  // LDRSB Rt, [Rx, Ri] has register-offset addressing: no separate add.
  indexAddress: 0,
  // ... but its address is the index just loaded, so it cannot pipeline (+1, DDI 0439B §3.3.2).
  indirectPenalty: 1,
};

const f32 = macCycles(float32);
const i8 = macCycles(int8);

export const stm32l476M4f: DeviceProfile = {
  name: 'stm32l476-m4f',
  description: 'STM32L476 Cortex-M4F @ 80 MHz, float32 on the FPU, weights in flash (4 wait states, ART)',
  // DS10198 §1 / §3.10: up to 80 MHz.
  clockHz: 80e6,
  nominalVoltageV: 3.0,
  // DS10198 front page: "Run mode: 100 µA/MHz (LDO mode)" -> 8 mA at 80 MHz (approx., typical at
  // 25 °C, and the datasheet figure is for code running from flash with the ART on).
  activeCurrentA: 100e-6 * 80,
  // DS10198 front page: Stop 2 with RTC 1.4 µA (approx.; LPUART wake-up adds little).
  sleepCurrentA: 1.4e-6,
  // Single-precision FPU (Cortex-M4F): float32 runs in hardware.
  numberFormat: 'float32',
  // DS10198 §1: 1 MB flash, 128 KB SRAM (96 KB SRAM1 + 32 KB SRAM2).
  memory: { nonVolatileBytes: 1024 * 1024, sramBytes: 128 * 1024 },
  recipes: { float32, int8 },
  cycles: {
    denseMacF32: f32.dense, // 9
    sparseMacF32: f32.sparse, // 14
    denseMacI8: i8.dense, // 5.25
    sparseMacI8: i8.sparse, // 8.25
    blockMacF32: f32.block,
    blockMacI8: i8.block,
    // Loop set-up, bias VLDR, accumulator reduction (3 VADD, 1 each, Table 7-1) and VSTR (approx.).
    perRow: 14,
    // ReLU: VLDR, VCMP, VMRS, conditional VSTR; max-pool: VLDR + VCMP + VMRS + select (approx.).
    perActivation: 3,
    perInference: 200,
    // uint8 -> float32 scale: LDRB, VMOV, VCVT (1, Table 7-1), VMUL, VSTR (approx.).
    perInputByte: 5,
    // int8 path (Cortex-M4 TRM §3.3 instruction timings): LDRSB (2) + CMP/IT (1) + STRB (1, only
    // sometimes) ~ 3; an input byte: LDRB (2) + LSRS (1) + STRB (1) pipelined ~ 3 (approx.).
    perActivationI8: 3,
    perInputByteI8: 3,
    // Fused ReLU on a float in an FPU register: VMOV to a core register (1, Table 7-1) and
    // BIC Rd, Rd, Rd, ASR #31 (1, §3.3.1; clears a negative), stored with STR instead of VSTR (approx.).
    fusedRelu: 2,
    // The requantized int8 is clamped with SSAT #8; a fused ReLU makes it USAT #7, also 1 cycle (§3.3.1).
    fusedReluI8: 0,
  },
};
