/**
 * A campaign's progress as the dashboards show it: jobs done, failed and running out of a known
 * total, and an estimate of the time left (the mean duration of the jobs finished so far × the
 * jobs not yet finished — simple, and honest about being an estimate; none before the first job
 * ends). The clock is injected.
 */
import { EveError } from '@eve-bench/device-agent';

export interface ProgressSnapshot {
  jobsTotal: number;
  jobsDone: number;
  jobsFailed: number;
  jobsRunning: number;
  etaS?: number;
}

export class CampaignProgress {
  private running = new Map<string, number>();
  private done = 0;
  private failed = 0;
  private spentMs = 0;

  constructor(readonly total: number, private readonly now: () => number) {
    if (!Number.isInteger(total) || total < 0) throw new EveError('PROGRESS_TOTAL', `a campaign's job total must be a whole number >= 0, not ${total}`);
  }

  start(job: string): ProgressSnapshot {
    if (this.running.has(job)) throw new EveError('PROGRESS_JOB', `job '${job}' is already running`);
    this.running.set(job, this.now());
    return this.snapshot();
  }

  finish(job: string, ok: boolean): ProgressSnapshot {
    const started = this.running.get(job);
    if (started === undefined) throw new EveError('PROGRESS_JOB', `job '${job}' is not running`);
    this.running.delete(job);
    this.spentMs += this.now() - started;
    if (ok) this.done++;
    else this.failed++;
    return this.snapshot();
  }

  snapshot(): ProgressSnapshot {
    const finished = this.done + this.failed;
    const s: ProgressSnapshot = { jobsTotal: this.total, jobsDone: this.done, jobsFailed: this.failed, jobsRunning: this.running.size };
    if (finished > 0) s.etaS = Math.max(0, this.total - finished) * (this.spentMs / finished) / 1000;
    return s;
  }
}
