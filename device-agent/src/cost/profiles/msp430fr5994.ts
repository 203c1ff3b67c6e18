import { macCycles, type DeviceProfile, type MacRecipe } from '../device-profile.js';

/**
 * TI MSP430FR5994 (16-bit MSP430X, no FPU), 16 MHz, weights in FRAM, activations in SRAM.
 * Sources: TI SLASE54 (MSP430FR599x datasheet); TI SLAU367 (MSP430FR58xx/59xx/6xx family user's
 * guide): §4.5 (MSP430X instruction cycles), §5 (MPY32), §7 (FRAM controller wait states, cache).
 * float32 is emulated in software on this part, so its float costs are high and approximate; the
 * int8 path, on the MPY32 hardware multiplier, is what this profile is for.
 */

// SLAU367 §7 / SLASE54 §5.11: FRAM needs 1 wait state above 8 MHz. The FRAM controller's cache
// (2-way, 4 lines of 64 bits) serves sequential reads, so only one access per 8-byte line waits
// (approx.).
const FRAM_WAIT_STATES = 1;
const FRAM_LINE_BYTES = 8;

const float32: MacRecipe = {
  // MOV @Rn+, Rd twice (2 words): 2 cycles each (SLAU367 §4.5.1.5).
  loadWeight: 4,
  loadActivation: 4,
  // Soft-float multiply + add from the compiler runtime (__mspabi_mpyf, __mspabi_addf), using the
  // MPY32 for the mantissa product: on the order of 150-200 cycles (approx.; no TI figure).
  mac: 160,
  // DEC + JNZ over a 4-way unrolled body, plus spilling the float accumulator (approx.).
  loopPerMac: 4,
  weightWait: (FRAM_WAIT_STATES * 4) / FRAM_LINE_BYTES,
  // MOV @Rn+, Rd: 2 cycles (SLAU367 §4.5.1.5).
  loadIndex: 2,
  indexWait: (FRAM_WAIT_STATES * 2) / FRAM_LINE_BYTES,
  // RLA Ri; RLA Ri; ADD Rbase, Ri (1 each, register mode) to scale the index to a float address.
  indexAddress: 3,
  // Indexed-mode load X(Ri) costs a cycle more than autoincrement (SLAU367 §4.5.1.5).
  indirectPenalty: 2,
};

const int8: MacRecipe = {
  // MOV.B @Rn+, &MPYS: 5 cycles (SLAU367 §4.5.1.5, autoincrement source, absolute destination).
  loadWeight: 5,
  // MOV.B @Rn+, &OP2: 5 cycles; writing OP2 starts the multiply.
  loadActivation: 5,
  // MPY32 with MAC mode (MACS): 16x16 result ready 3 cycles after the OP2 write, hidden by the next
  // operand load (SLAU367 §5.2.x); reading the accumulator once per row is in perRow (approx.).
  mac: 0,
  loopPerMac: 1,
  weightWait: (FRAM_WAIT_STATES * 1) / FRAM_LINE_BYTES,
  loadIndex: 2,
  indexWait: (FRAM_WAIT_STATES * 2) / FRAM_LINE_BYTES,
  // ADD Rbase, Ri (1, register mode) — int8 activations need no scaling.
  indexAddress: 1,
  // MOV.B 0(Ri), &OP2 (indexed) instead of @Rn+: 1 more cycle (SLAU367 §4.5.1.5).
  indirectPenalty: 1,
};

const f32 = macCycles(float32);
const i8 = macCycles(int8);

export const msp430fr5994: DeviceProfile = {
  name: 'msp430fr5994',
  description: 'MSP430FR5994 @ 16 MHz, FRAM with 1 wait state, no FPU (soft-float for float32)',
  // SLASE54 §1.1: up to 16 MHz.
  clockHz: 16e6,
  nominalVoltageV: 3.0,
  // SLASE54 §1.1: active mode 118 µA/MHz (typ., FRAM at 100 % cache hit); cache misses raise it (approx.).
  activeCurrentA: 118e-6 * 16,
  // SLASE54 §1.1: LPM3 with RTC ~0.5 µA (typ.).
  sleepCurrentA: 0.5e-6,
  // No FPU (SLASE54 §1.1 lists none; the CPU is 16-bit MSP430X with the MPY32 multiplier): int8.
  numberFormat: 'int8',
  // SLASE54 §1.1: 256 KB FRAM, 8 KB SRAM (plus 4 KB shared with the LEA, not counted here).
  memory: { nonVolatileBytes: 256 * 1024, sramBytes: 8 * 1024 },
  recipes: { float32, int8 },
  cycles: {
    denseMacF32: f32.dense, // 172.5
    sparseMacF32: f32.sparse, // 179.75
    denseMacI8: i8.dense, // 11.125
    sparseMacI8: i8.sparse, // 15.375
    blockMacF32: f32.block,
    blockMacI8: i8.block,
    // Loop set-up, bias, result read-back (RESLO/RESHI) or soft-float store per row (approx.).
    perRow: 60,
    perActivation: 20,
    perInference: 500,
    perInputByte: 120,
    // int8 path, SLAU367 §4.5.1.5: MOV.B @Rn+,Rd (2) + CMP.B/TST.B (1) + JGE (2) + MOV.B Rd,0(Rm) (4),
    // the store only for negatives / new maxima: ~6 (approx.).
    perActivationI8: 6,
    // MOV.B @Rn+,Rd (2) + RRA.B Rd (1) + MOV.B Rd,0(Rm) (4).
    perInputByteI8: 7,
    // Fused ReLU on a soft-float result in registers, SLAU367 §4.5.1.5: TST.W on the high word (1) +
    // JGE (2) + two CLR (1 each, only for negatives): ~4 (approx.).
    fusedRelu: 4,
    // int8: the output clamp compares with 0 instead of -128, the same instructions.
    fusedReluI8: 0,
  },
};
