// Progress math shared by the core and the renderer: percentage, rate, ETA, counts
// carried across resumes, and step states that agree with their run's status.
// Pure (no I/O, no clock unless passed in), so any queue implementation can use it.
import type { JobProgress, JobRun, JobStatus, JobStep } from './contract/jobs.ts';

/** done/total as 0–100, or null while the total is unknown. A total of 0 is complete. */
export function percentOf(done: number, total: number | null): number | null {
  if (total === null || !Number.isFinite(total) || total < 0) return null;
  if (total === 0) return 100;
  return Math.min(100, Math.max(0, (done / total) * 100));
}

/** Seconds left at the given rate; null without a total or a positive rate. */
export function etaSeconds(done: number, total: number | null, ratePerSec: number | null): number | null {
  if (total === null || ratePerSec === null || !(ratePerSec > 0)) return null;
  return Math.max(0, (total - done) / ratePerSec);
}

/** Smoothed throughput from successive (time, done) samples (exponential, half-life in ms). */
export class RateMeter {
  private lastT = 0;
  private lastDone = 0;
  private rate: number | null = null;
  private readonly halfLifeMs: number;

  constructor(halfLifeMs = 5000) {
    this.halfLifeMs = halfLifeMs;
  }

  sample(done: number, now = Date.now()): number | null {
    if (this.lastT === 0 || done < this.lastDone) {
      this.lastT = now;
      this.lastDone = done;
      return this.rate;
    }
    const dt = now - this.lastT;
    if (dt < 250) return this.rate;
    const instant = ((done - this.lastDone) * 1000) / dt;
    const alpha = 1 - Math.pow(0.5, dt / this.halfLifeMs);
    this.rate = this.rate === null ? instant : this.rate + alpha * (instant - this.rate);
    this.lastT = now;
    this.lastDone = done;
    return this.rate;
  }

  eta(done: number, total: number | null): number | null {
    return etaSeconds(done, total, this.rate);
  }
}

/**
 * The progress a resumed attempt starts from: the counts of earlier attempts stay
 * (a resume continues, it does not restart at zero); rate and ETA are measured afresh.
 */
export function resumedProgress(prev: JobProgress): JobProgress {
  return { ...prev, ratePerSec: null, etaSeconds: null };
}

/** Items done across attempts: what earlier attempts committed plus this attempt's. */
export function carriedCount(committedEarlier: number, thisAttempt: number): number {
  return Math.max(0, committedEarlier) + Math.max(0, thisAttempt);
}

export type StepStatus = JobStep['status'];
const STOPPED_AS: Partial<Record<JobStatus, StepStatus>> = { paused: 'paused', cancelled: 'cancelled', interrupted: 'interrupted', failed: 'failed' };

/**
 * A step's state as the operator should read it, given its run's status: nothing
 * is "running" (or moving) in a run that stopped, and a finished run has no pending steps.
 */
export function stepStatusFor(run: JobStatus, step: StepStatus): StepStatus {
  if (run === 'running') return step;
  if (run === 'queued') return step === 'running' || step === 'failed' || step === 'paused' || step === 'interrupted' || step === 'cancelled' ? 'pending' : step;
  if (run === 'succeeded' || run === 'incomplete') {
    if (step === 'pending') return 'skipped';
    if (step === 'running' || step === 'paused' || step === 'interrupted') return 'done';
    return step;
  }
  // paused, cancelled, interrupted, failed: the step that was under way stopped with the run.
  const stopped = STOPPED_AS[run]!;
  if (step === 'running') return stopped;
  if (step === 'failed' && run !== 'failed') return stopped;
  return step;
}

/** Live figures of one step inside a run (`progress.extra.steps[name]`), as steps report them. */
export interface SubProgress {
  done: number;
  total: number | null;
  unit: string;
  message: string | null;
  ratePerSec: number | null;
  etaSeconds: number | null;
  state: string;
  seconds?: number | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  [figure: string]: unknown;
}

const SUB_STATE: Record<string, StepStatus> = { pending: 'pending', running: 'running', done: 'done', skipped: 'skipped', failed: 'failed', paused: 'paused', cancelled: 'cancelled', interrupted: 'interrupted', reused: 'reused' };

function subSteps(p: JobProgress): Record<string, SubProgress> | null {
  const s = p.extra.steps;
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, SubProgress>) : null;
}

/**
 * Declared steps (`sync`) take their state and times from their live figures or from
 * their sub-steps (`sync:pull_requests` …); sub-steps follow their parent.
 */
function rollUp(run: JobRun): JobStep[] {
  const subs = subSteps(run.progress);
  const top = run.steps.filter((s) => !s.name.includes(':'));
  const out: JobStep[] = [];
  const seen = new Set<string>();
  for (const t of top) {
    const kids = run.steps.filter((s) => s.name.startsWith(`${t.name}:`));
    const live = subs?.[t.name];
    let step: JobStep = { ...t };
    if (live && SUB_STATE[live.state]) {
      step = { ...step, status: t.status === 'failed' || t.status === 'reused' ? t.status : SUB_STATE[live.state]!, startedAt: t.startedAt ?? live.startedAt ?? null, finishedAt: t.finishedAt ?? live.finishedAt ?? null };
    } else if (kids.length && t.status === 'pending') {
      const any = (st: StepStatus) => kids.some((k) => k.status === st);
      step.status = any('failed') ? 'failed' : any('running') ? 'running' : kids.every((k) => k.status === 'done') && run.status !== 'running' ? 'done' : 'running';
    }
    if (kids.length) {
      const starts = kids.map((k) => k.startedAt).filter((x): x is string => Boolean(x));
      const ends = kids.map((k) => k.finishedAt).filter((x): x is string => Boolean(x));
      // The earliest start of the step or any sub-step (a resumed sub-step keeps its first start).
      if (starts.length) step.startedAt = [...starts, ...(step.startedAt ? [step.startedAt] : [])].sort()[0]!;
      if (!step.finishedAt && step.status === 'done' && ends.length) step.finishedAt = ends.sort().at(-1)!;
    }
    out.push(step);
    seen.add(t.name);
    for (const k of kids) {
      out.push({ ...k });
      seen.add(k.name);
    }
  }
  for (const s of run.steps) if (!seen.has(s.name)) out.push({ ...s });
  return out;
}

/**
 * The run as it should be shown: step states consistent with the run's status, no
 * ETA (and no rate) on a run or step that is not running. Idempotent.
 */
export function consistentRun(run: JobRun): JobRun {
  const running = run.status === 'running';
  const steps = rollUp(run).map((s) => ({ ...s, status: stepStatusFor(run.status, s.status) }));
  const progress: JobProgress = running ? { ...run.progress } : { ...run.progress, etaSeconds: null, ratePerSec: null };
  const subs = subSteps(run.progress);
  if (subs) {
    const fixed: Record<string, SubProgress> = {};
    for (const [name, s] of Object.entries(subs)) {
      const state = SUB_STATE[s.state] ? stepStatusFor(run.status, SUB_STATE[s.state]!) : s.state;
      const moving = running && state === 'running';
      fixed[name] = { ...s, state, etaSeconds: moving ? s.etaSeconds : state === 'done' ? 0 : null, ratePerSec: moving ? s.ratePerSec : null };
    }
    progress.extra = { ...progress.extra, steps: fixed };
  }
  return { ...run, steps, progress };
}

/** The step a run is on, with its own figures, when the run reports per-step progress. */
export function currentStep(run: JobRun): (SubProgress & { name: string }) | null {
  const subs = subSteps(run.progress);
  const name = run.progress.extra.currentStep;
  if (!subs || typeof name !== 'string' || !subs[name]) return null;
  return { ...subs[name]!, name };
}

export interface Figures {
  done: number;
  total: number | null;
  unit: string;
  percent: number | null;
  ratePerSec: number | null;
  etaSeconds: number | null;
}

/** What a progress line shows: done / total, percentage, rate and ETA (the latter two only while moving). */
export function figures(p: Pick<JobProgress, 'done' | 'total' | 'unit' | 'ratePerSec' | 'etaSeconds'>, moving: boolean): Figures {
  return {
    done: p.done,
    total: p.total,
    unit: p.unit,
    percent: percentOf(p.done, p.total),
    ratePerSec: moving ? p.ratePerSec : null,
    etaSeconds: moving && (p.total === null || p.done < p.total) ? (p.etaSeconds ?? etaSeconds(p.done, p.total, p.ratePerSec)) : null,
  };
}

/** Runs that need the operator: stopped but resumable (paused, interrupted). */
export function needsAttention(run: Pick<JobRun, 'status'>): boolean {
  return run.status === 'paused' || run.status === 'interrupted';
}

export interface TimelineBar {
  name: string;
  status: StepStatus;
  /** Offset from the run's start and length, as fractions of the run's span (0–1). */
  left: number;
  width: number;
  startedAt: string;
  seconds: number;
}

/**
 * A run's steps on one time axis (a Gantt, as Dagster draws a run): each step that
 * started is a bar from its start to its finish (or to now / the run's end).
 */
export function timeline(run: JobRun, now: number): { bars: TimelineBar[]; spanSeconds: number } {
  const started = run.steps.filter((s) => s.startedAt);
  if (!started.length) return { bars: [], spanSeconds: 0 };
  const t0 = Math.min(...started.map((s) => Date.parse(s.startedAt!)));
  const runEnd = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const endOf = (s: JobStep) => (s.finishedAt ? Date.parse(s.finishedAt) : run.status === 'running' ? now : runEnd);
  const t1 = Math.max(t0 + 1, runEnd, ...started.map(endOf));
  const span = t1 - t0;
  return {
    spanSeconds: span / 1000,
    bars: started.map((s) => {
      const a = Date.parse(s.startedAt!);
      const b = Math.max(a, endOf(s));
      return { name: s.name, status: s.status, left: (a - t0) / span, width: Math.max(0.004, (b - a) / span), startedAt: s.startedAt!, seconds: (b - a) / 1000 };
    }),
  };
}
