import type { DeviceProfile } from '../device-profile.js';

/**
 * STM32L476 (Arm Cortex-M4F), 80 MHz from flash with the ART accelerator.
 * Sources: ST DS10198 (STM32L476xx datasheet) rev. 8; ST RM0351 (reference manual);
 * Arm DDI 0439B (Cortex-M4 TRM), section 3.3 (instruction timings) and Table 7-1 (FPU).
 */
export const stm32l476M4f: DeviceProfile = {
  name: 'stm32l476-m4f',
  description: 'STM32L476 Cortex-M4F @ 80 MHz, float32 on the FPU, weights in flash',
  // DS10198 §1 / §3.10: up to 80 MHz.
  clockHz: 80e6,
  nominalVoltageV: 3.0,
  // DS10198 front page: "Run mode: 100 µA/MHz (LDO mode)" -> 8 mA at 80 MHz (approx., typical at 25 °C).
  activeCurrentA: 100e-6 * 80,
  // DS10198 front page: Stop 2 with RTC 1.4 µA (approx.; LPUART wake-up adds little).
  sleepCurrentA: 1.4e-6,
  cycles: {
    // Per MAC: LDR weight (1 pipelined, DDI 0439B §3.3.1) + VLDR activation (2, Table 7-1; 1 when
    // pipelined) + VFMA.F32 (1 issue; 3-cycle latency hidden by 4 accumulators) + flash wait:
    // RM0351 §3.3.3: 4 wait states at 80 MHz, 64-bit flash line -> ~2 cycles per float32 when the
    // ART prefetch/cache misses on streaming weights (approx.). Total ~4.
    denseMacF32: 4,
    // Sparse adds LDRH of the column index (1-2) and address arithmetic (1) before the activation
    // load can issue (dependent load, no pipelining with it): ~6.5 (approx.).
    sparseMacF32: 6.5,
    // Loop set-up, bias load, accumulator reduction and store (approx., from the kernel's instructions).
    perRow: 14,
    perActivation: 3,
    perInference: 200,
    // uint8 -> float32 scale: LDRB, VMOV, VCVT (1, Table 7-1), VMUL, VSTR (approx.).
    perInputByte: 5,
  },
};
