/**
 * Timers that fire only when told to: an injectable `Timers` for tests and dry runs, so timeout
 * behaviour is checked without waiting for real time.
 */
import type { Timers } from './waitress.js';

export function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (fn) => { pending.set(++next, fn); return next; },
    clearTimeout: (h) => { pending.delete(h as number); },
  };
  return {
    timers,
    /** Timers set and not yet fired or cleared. */
    pending: () => pending.size,
    /** Fires every pending timer once. */
    fireAll: () => { for (const [h, fn] of [...pending]) { pending.delete(h); fn(); } },
  };
}
