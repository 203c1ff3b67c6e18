/**
 * Faults a virtual board can be told to suffer, so the bench's recovery paths (deploy resume,
 * hung-board power cycle, slow boot) are tested against the same board they run on, not a stub.
 * Each fault fires once; a new plan can be injected at any time (tests, `eve lab up --fault`).
 */
import { EveError } from '../errors/eve-error.js';

export interface FaultPlan {
  /** Brown out when a deploy chunk would write byte N (0-based): that chunk is lost, the board reboots. */
  brownOutAtDeployByte?: number;
  /** Brown out at the start of the N-th inference from now (1-based). */
  brownOutAtInference?: number;
  /** Answer N more requests, then stop answering until the supply is power-cycled. */
  hangAfterRequests?: number;
  /** After every reset the board boots for this long (wall-clock ms) and answers nothing meanwhile. */
  bootMs?: number;
}

const KEYS: Record<keyof FaultPlan, string> = {
  brownOutAtDeployByte: 'brownout-at-byte',
  brownOutAtInference: 'brownout-at-inference',
  hangAfterRequests: 'hang-after',
  bootMs: 'boot-ms',
};

/** Parses `brownout-at-byte=4096,hang-after=20,boot-ms=300` (the `eve lab up --fault` syntax). */
export function parseFaultPlan(text: string): FaultPlan {
  const plan: FaultPlan = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [name, value, extra] = part.trim().split('=');
    const key = (Object.keys(KEYS) as Array<keyof FaultPlan>).find((k) => KEYS[k] === name);
    const n = Number(value);
    if (!key || extra !== undefined || value === undefined || !Number.isInteger(n) || n < 0 || n > 2 ** 31) {
      throw new EveError('FAULT_PLAN', `bad fault '${part}': expected one of ${Object.values(KEYS).map((k) => `${k}=<integer>`).join(', ')}`);
    }
    plan[key] = n;
  }
  return plan;
}

/** The board is not answering (browned out, hung or booting): the agent sends nothing back. */
export class BoardSilent extends EveError {
  constructor(message: string) {
    super('BOARD_SILENT', message);
  }
}
