/** Picks the driver for whatever answers `*IDN?` on a SCPI session. */
import { EveError } from '@eve-bench/device-agent';
import type { ScpiSession } from '../../scpi/scpi-session.js';
import type { ChannelRange, PowerSupply } from './power-supply.js';
import { RigolDp832 } from './rigol-dp832.js';
import { E36300_MODELS, KeysightE36300 } from './keysight-e36300.js';
import { SiglentSpd3303x } from './siglent-spd3303x.js';
import { GenericScpiPsu } from './generic-scpi-psu.js';

/** Serial-number prefix the EVE simulator reports; it enables the simulator-only reading log. */
export const SIM_SERIAL_PREFIX = 'DP8SIM';

export interface OpenPowerSupplyOptions {
  /**
   * Ratings per channel for an instrument no driver knows; with them, it is driven through the
   * generic SCPI-99 profile. Without them an unknown instrument is refused.
   */
  generic?: readonly ChannelRange[];
}

export async function openPowerSupply(session: ScpiSession, signal?: AbortSignal, options: OpenPowerSupplyOptions = {}): Promise<PowerSupply> {
  const id = await session.identify(signal);
  const vendor = id.vendor.toUpperCase();
  const model = id.model.toUpperCase();
  if (vendor.startsWith('RIGOL') && /^DP832A?$/.test(model)) {
    return new RigolDp832(session, id, { simReadingLog: id.serial.startsWith(SIM_SERIAL_PREFIX) });
  }
  // Other DP8xx models (DP811A, DP821A, DP831A) have different channel counts and ranges, so the
  // DP832 driver would program them wrongly: refuse until they have their own range table.
  if (vendor.startsWith('RIGOL') && /^DP8/.test(model)) throw unsupported(session, id);
  if ((vendor.startsWith('KEYSIGHT') || vendor.startsWith('AGILENT')) && model in E36300_MODELS) return new KeysightE36300(session, id);
  if (vendor.startsWith('SIGLENT') && /^SPD3303X(-E)?$/.test(model)) return new SiglentSpd3303x(session, id);
  if (options.generic) return new GenericScpiPsu(session, id, options.generic);
  throw unsupported(session, id);
}

function unsupported(session: ScpiSession, id: { vendor: string; model: string }): EveError {
  return new EveError('PSU_UNSUPPORTED', `no power-supply driver for '${id.vendor},${id.model}' at ${session.address} `
    + '(supported: RIGOL DP832/DP832A, Keysight E36311A/E36312A/E36313A, Siglent SPD3303X/SPD3303X-E; '
    + 'configure channel ratings to use the generic SCPI profile)');
}
