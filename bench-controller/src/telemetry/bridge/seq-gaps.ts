/**
 * Counts sequence numbers missing per (source, session, kind). A jump records the skipped numbers
 * as missing; a late arrival (a redelivery after a reconnect) fills its hole again. The count is
 * what is missing now, so a reorder that resolves itself does not read as a loss. The first message
 * of a key seen by this process is its baseline: a restarted bridge does not report history.
 */
const MAX_TRACKED_PER_KEY = 10_000;

export class SeqGapCounter {
  private last = new Map<string, number>();
  private missing = new Map<string, Set<number>>();
  private untracked = 0;

  observe(source: string, session: string, kind: string, seq: number): void {
    const key = `${source}\u0000${session}\u0000${kind}`;
    const last = this.last.get(key);
    if (last === undefined) {
      this.last.set(key, seq);
      return;
    }
    if (seq === last + 1) {
      this.last.set(key, seq); // the common case: nothing skipped, nothing to allocate
    } else if (seq > last) {
      const holes = this.missing.get(key) ?? new Set<number>();
      for (let s = last + 1; s < seq; s++) {
        if (holes.size < MAX_TRACKED_PER_KEY) holes.add(s);
        else this.untracked++;
      }
      if (holes.size > 0) this.missing.set(key, holes);
      this.last.set(key, seq);
    } else {
      this.missing.get(key)?.delete(seq);
    }
  }

  get gaps(): number {
    let n = this.untracked;
    for (const h of this.missing.values()) n += h.size;
    return n;
  }
}
