import type { z } from 'zod';
import { OpsError } from '../../shared/errors.ts';
import type { JobProgress, JobRun, JobStatus } from '../../shared/contract/jobs.ts';
import type { Logger } from '../logging/logger.ts';

/** Progress as a job reports it; rate and ETA are derived by the service. */
export interface ProgressUpdate {
  done?: number;
  total?: number | null;
  unit?: string;
  message?: string | null;
  extra?: Record<string, unknown>;
}

/** A step's durable checkpoint: saved atomically with the step's bookkeeping. */
export interface Checkpoint<T> {
  readonly value: T | undefined;
  save(value: T): void;
}

export interface JobContext<P> {
  readonly runId: string;
  readonly params: P;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  progress(update: ProgressUpdate): void;
  /**
   * Runs a named step once: a step finished in an earlier attempt is skipped and
   * its stored result returned, so a resumed run continues where it stopped.
   */
  step<T>(name: string, fn: (checkpoint: Checkpoint<unknown>) => Promise<T>): Promise<T>;
  /** Marks a declared step as skipped (an option left it out), so it does not read as pending. */
  skipStep?(name: string): void;
  /** True when this run is a retry from a later step and takes this step's result from the earlier run. */
  reused?(name: string): boolean;
  throwIfCancelled(): void;
}

export interface JobOutcome {
  /** `incomplete`: the work ran but its own verification found gaps. */
  status?: Extract<JobStatus, 'succeeded' | 'incomplete'>;
  result?: unknown;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  kind: string;
  title: string;
  params: S;
  describe(params: z.output<S>): string;
  /** Steps shown as pending before they start. */
  steps?(params: z.output<S>): string[];
  /** Runs sharing a key never run at the same time (one sync per repository …). */
  concurrencyKey?(params: z.output<S>): string;
  /** Interrupted runs of this kind resume by themselves when the core starts. */
  autoResume?: boolean;
  run(ctx: JobContext<z.output<S>>): Promise<JobOutcome | void>;
}

/**
 * The queue as the rest of the app sees it: narrow on purpose, so that a
 * Postgres-backed queue (pg-boss …) can replace the in-process one.
 */
export interface JobQueue {
  enqueue(kind: string, params: unknown, opts?: { dedupe?: boolean }): Promise<JobRun>;
  cancel(runId: string, opts?: { pause?: boolean }): Promise<JobRun>;
  resume(runId: string): Promise<JobRun>;
  get(runId: string): JobRun;
  list(filter: { kind?: string; status?: JobStatus; limit: number; beforeCreatedAt?: string }): JobRun[];
  onChange(listener: (run: JobRun) => void): () => void;
  /** Resolves when the run stops: finished, paused or interrupted. */
  wait(runId: string): Promise<JobRun>;
}

export type { JobProgress, JobRun, JobStatus };

/**
 * Thrown by a job that stops itself, resumable later (a budget cap reached before the next paid
 * batch …): the run ends `paused` with this message instead of `failed`.
 */
export class JobPausedError extends OpsError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
    this.name = 'JobPausedError';
  }
}
