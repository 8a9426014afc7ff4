import type { BackfillStepState } from '../../shared/contract/backfill.ts';
import { RateMeter } from '../../shared/progress.ts';
import type { JobContext, ProgressUpdate } from '../jobs/types.ts';

export type StepState = BackfillStepState;

/**
 * Per-step live progress inside one backfill job: each step reports like a job of
 * its own (done/total, rate, ETA, its own figures); the run's bar is the step average.
 */
export class StepProgress {
  readonly steps: Record<string, StepState> = {};
  private readonly meters: Record<string, RateMeter> = {};
  private readonly started: Record<string, number> = {};
  private readonly ctx: JobContext<unknown>;
  private readonly order: string[];

  constructor(ctx: JobContext<unknown>, order: string[], skipped: string[]) {
    this.ctx = ctx;
    this.order = order;
    for (const s of order) {
      this.steps[s] = { done: 0, total: null, unit: 'items', message: null, ratePerSec: null, etaSeconds: null, state: skipped.includes(s) ? 'skipped' : 'pending', seconds: null };
      this.meters[s] = new RateMeter();
    }
  }

  begin(step: string): void {
    if (this.ctx.reused?.(step)) {
      // A retry from a later step: this step's result comes from the run it retries.
      this.steps[step]!.state = 'reused';
      this.push(step);
      return;
    }
    this.started[step] = Date.now();
    this.steps[step]!.state = 'running';
    this.steps[step]!.startedAt = new Date().toISOString();
    this.push(step);
  }

  finish(step: string): void {
    const s = this.steps[step]!;
    if (s.state === 'reused') return;
    s.state = 'done';
    s.etaSeconds = 0;
    s.finishedAt = new Date().toISOString();
    s.seconds = this.started[step] ? (Date.now() - this.started[step]!) / 1000 : null;
    if (s.total !== null) s.done = Math.max(s.done, s.total);
    this.push(step);
  }

  /** A progress callback with the job API's shape, for one step. */
  for(step: string): (u: ProgressUpdate) => void {
    return (u) => {
      const s = this.steps[step]!;
      if (u.done !== undefined) s.done = u.done;
      if (u.total !== undefined) s.total = u.total;
      if (u.unit) s.unit = u.unit;
      if (u.message !== undefined) s.message = u.message;
      if (u.extra) Object.assign(s, u.extra);
      s.ratePerSec = this.meters[step]!.sample(s.done);
      s.etaSeconds = this.meters[step]!.eta(s.done, s.total);
      this.push(step);
    };
  }

  private push(current: string): void {
    const active = this.order.filter((s) => this.steps[s]!.state !== 'skipped');
    const fraction = active.reduce((n, s) => {
      const st = this.steps[s]!;
      if (st.state === 'done' || st.state === 'reused') return n + 1;
      if (st.state === 'running' && st.total) return n + Math.min(1, st.done / st.total);
      return n;
    }, 0);
    this.ctx.progress({
      done: Math.round((100 * fraction) / Math.max(1, active.length)),
      total: 100,
      unit: '%',
      message: `${current}: ${this.steps[current]!.message ?? this.steps[current]!.state}`,
      extra: { currentStep: current, steps: structuredClone(this.steps) },
    });
  }
}
