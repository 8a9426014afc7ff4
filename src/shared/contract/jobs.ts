import { z } from 'zod';
import { call, topic } from './define.ts';
import { id, isoTime, noInput } from './common.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'incomplete', 'failed', 'cancelled', 'paused', 'interrupted'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;
export const FINISHED_STATUSES: readonly JobStatus[] = ['succeeded', 'incomplete', 'failed', 'cancelled'];
/** Not running and not going to run unless resumed. */
export const STOPPED_STATUSES: readonly JobStatus[] = [...FINISHED_STATUSES, 'paused', 'interrupted'];

export const JobProgress = z.object({
  done: z.number(),
  total: z.number().nullable(),
  unit: z.string(),
  message: z.string().nullable(),
  ratePerSec: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** Job-specific figures (rate limit remaining, tokens, dollars …). */
  extra: z.record(z.string(), z.unknown()),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobStep = z.object({
  name: z.string(),
  /** paused / cancelled / interrupted: the step was under way when its run stopped so. */
  /** reused: a retry from a later step took this step's result from the run it retried. */
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'paused', 'cancelled', 'interrupted', 'reused']),
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  checkpointAt: isoTime.nullable(),
});
export type JobStep = z.infer<typeof JobStep>;

export const JobRun = z.object({
  id,
  kind: z.string(),
  title: z.string(),
  status: JobStatus,
  params: z.unknown(),
  progress: JobProgress,
  steps: z.array(JobStep),
  attempt: z.number().int(),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  error: z.string().nullable(),
  result: z.unknown(),
  resumable: z.boolean(),
  /** A retry from a chosen step: the run it repeats and the step it started at. */
  rerunOf: z.object({ runId: id, fromStep: z.string() }).nullable().optional(),
});
export type JobRun = z.infer<typeof JobRun>;

export const JobKindInfo = z.object({ kind: z.string(), title: z.string(), resumable: z.boolean() });

export const jobCalls = {
  'jobs.list': call(
    'Job runs, newest first',
    z.object({ kind: z.string().optional(), status: JobStatus.optional(), limit: z.number().int().min(1).max(500).default(100), beforeCreatedAt: isoTime.optional() }).default({ limit: 100 }),
    z.array(JobRun),
  ),
  'jobs.get': call('One job run with its steps', z.object({ runId: id }), JobRun),
  'jobs.cancel': call('Ask a queued or running job to stop', z.object({ runId: id }), JobRun),
  'jobs.pause': call('Stop a running job at its next checkpoint, resumable later', z.object({ runId: id }), JobRun),
  'jobs.resume': call('Resume an interrupted, failed or cancelled run from its last checkpoint', z.object({ runId: id }), JobRun),
  'jobs.rerun': call(
    'Run a stopped run again with the same parameters; from a chosen step, the steps before it reuse their results (Dagster\'s retry from a step)',
    z.object({ runId: id, fromStep: z.string().trim().min(1).max(200).optional() }),
    JobRun,
  ),
  'jobs.kinds': call('The kinds of jobs this core can run', noInput, z.array(JobKindInfo)),
};

export const jobTopics = {
  'jobs.changed': topic('A run changed status or progress (throttled)', z.object({ runId: id.optional() }).default({}), JobRun),
};
