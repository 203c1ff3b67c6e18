/** Picks the driver for whatever answers `*IDN?` on a SCPI session. */
import { EveError } from '@eve-bench/device-agent';
import type { ScpiSession } from '../../scpi/scpi-session.js';
import type { PowerSupply } from './power-supply.js';
import { RigolDp832 } from './rigol-dp832.js';

/** Serial-number prefix the EVE simulator reports; it enables the simulator-only reading log. */
export const SIM_SERIAL_PREFIX = 'DP8SIM';

export async function openPowerSupply(session: ScpiSession, signal?: AbortSignal): Promise<PowerSupply> {
  const id = await session.identify(signal);
  const vendor = id.vendor.toUpperCase();
  const model = id.model.toUpperCase();
  if (vendor.startsWith('RIGOL') && /^DP832A?$/.test(model)) {
    return new RigolDp832(session, id, { simReadingLog: id.serial.startsWith(SIM_SERIAL_PREFIX) });
  }
  // Other DP8xx models (DP811A, DP821A, DP831A) have different channel counts and ranges, so the
  // DP832 driver would program them wrongly: refuse until they have their own range table.
  throw new EveError('PSU_UNSUPPORTED', `no power-supply driver for '${id.vendor},${id.model}' at ${session.address} (supported: RIGOL DP832/DP832A)`);
}
