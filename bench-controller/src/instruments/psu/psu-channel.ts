/** Shared argument checks of the PSU drivers. */
import { EveError } from '@eve-bench/device-agent';
import type { ListCapability, ListPoint } from './power-supply.js';

/** The channel number, or PSU_BAD_CHANNEL if the model has no such channel. */
export function checkChannel(model: string, channels: number, channel: number): number {
  if (!Number.isInteger(channel) || channel < 1 || channel > channels) {
    throw new EveError('PSU_BAD_CHANNEL', `${model} has channels 1-${channels}, got ${channel}`);
  }
  return channel;
}

/** Refuses a list the instrument could not hold, before anything is sent. */
export function checkListShape(model: string, cap: ListCapability, points: readonly ListPoint[]): void {
  if (!Array.isArray(points) || points.length === 0 || points.length > cap.maxPoints) {
    throw new EveError('PSU_LIST_INVALID', `${model}: a list needs 1-${cap.maxPoints} points, got ${Array.isArray(points) ? points.length : typeof points}`);
  }
  points.forEach((p, i) => {
    const steps = p.dwellS / cap.dwellResolutionS;
    if (!(p.dwellS >= cap.minDwellS && p.dwellS <= cap.maxDwellS) || Math.abs(steps - Math.round(steps)) > 1e-6) {
      throw new EveError('PSU_LIST_INVALID', `${model}: point ${i} dwell ${p.dwellS} s is not a multiple of ${cap.dwellResolutionS} s in ${cap.minDwellS}..${cap.maxDwellS} s`);
    }
  });
}
