/**
 * Debug probes and power analysers a bench board is usually reached through, by USB vendor and
 * product id. Ids as in the vendors' udev rules (OpenOCD's 60-openocd.rules, probe-rs, Nordic's
 * PPK2 rule); a missing pid means every product of that vendor.
 */
export interface KnownProbe {
  name: string;
  vid: string;
  pid?: string;
}

export const KNOWN_PROBES: readonly KnownProbe[] = [
  { name: 'TI XDS110', vid: '0451', pid: 'bef3' },
  { name: 'ST-LINK/V2', vid: '0483', pid: '3748' },
  { name: 'ST-LINK/V2-1', vid: '0483', pid: '374b' },
  { name: 'ST-LINK/V3', vid: '0483', pid: '374e' },
  { name: 'ST-LINK/V3', vid: '0483', pid: '374f' },
  { name: 'ST-LINK/V3', vid: '0483', pid: '3753' },
  { name: 'SEGGER J-Link', vid: '1366' },
  { name: 'Nordic PPK2', vid: '1915', pid: 'c00a' },
];

/** The probe's name, or undefined for a device that is not in the table. */
export function probeName(vid: string, pid: string, probes: readonly KnownProbe[] = KNOWN_PROBES): string | undefined {
  const v = vid.toLowerCase();
  const p = pid.toLowerCase();
  return probes.find((k) => k.vid === v && (k.pid === undefined || k.pid === p))?.name;
}
