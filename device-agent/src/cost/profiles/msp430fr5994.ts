import type { DeviceProfile } from '../device-profile.js';

/**
 * TI MSP430FR5994 (16-bit MSP430X, no FPU), 16 MHz, weights in FRAM.
 * Sources: TI SLASE54 (MSP430FR599x datasheet); TI SLAU367 (MSP430FR58xx/59xx/6xx family user's
 * guide), §6 (FRAM controller wait states) and §5 (MPY32).
 * float32 is emulated in software on this part, so its float costs are high; the int8/int16 path
 * (issue 3) is what this profile is for.
 */
export const msp430fr5994: DeviceProfile = {
  name: 'msp430fr5994',
  description: 'MSP430FR5994 @ 16 MHz, FRAM with 1 wait state, no FPU (soft-float for float32)',
  // SLASE54 §1.1: up to 16 MHz; SLAU367 §6.3: FRAM needs 1 wait state above 8 MHz.
  clockHz: 16e6,
  nominalVoltageV: 3.0,
  // SLASE54 §1.1: active mode 118 µA/MHz (typ., FRAM at 100 % cache hit); cache misses raise it (approx.).
  activeCurrentA: 118e-6 * 16,
  // SLASE54 §1.1: LPM3 with RTC ~0.5 µA (typ.).
  sleepCurrentA: 0.5e-6,
  cycles: {
    // TI's soft-float (MSPMATHLIB / compiler RTS) multiply+add: on the order of 150-200 cycles
    // per float MAC with operand fetches from FRAM (approx.).
    denseMacF32: 180,
    sparseMacF32: 190,
    perRow: 60,
    perActivation: 20,
    perInference: 500,
    perInputByte: 120,
  },
};
