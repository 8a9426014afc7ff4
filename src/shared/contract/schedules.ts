import { z } from 'zod';
import { call } from './define.ts';
import { id, isoTime, noInput, patchOf } from './common.ts';
import { JobRun } from './jobs.ts';

/** Kubernetes CronJob vocabulary: what a tick does while the previous run still goes. */
export const ConcurrencyPolicy = z.enum(['Forbid', 'Replace', 'Allow']);
export type ConcurrencyPolicy = z.infer<typeof ConcurrencyPolicy>;
/** Ticks missed while no worker was up (or later than the starting deadline): run once for all of them, or skip them. */
export const CatchUp = z.enum(['skip', 'run_once']);
export type CatchUp = z.infer<typeof CatchUp>;

/** A feature's offer of a schedule for one of its jobs (the runbook cron line it replaces in `source`). */
export const SchedulePreset = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  title: z.string(),
  kind: z.string(),
  params: z.unknown(),
  cron: z.string(),
  tz: z.string().optional(),
  concurrencyPolicy: ConcurrencyPolicy.optional(),
  startingDeadlineSeconds: z.number().int().positive().optional(),
  activeDeadlineSeconds: z.number().int().positive().optional(),
  /** The runbook line this preset replaces, verbatim. */
  source: z.string(),
});
export type SchedulePreset = z.infer<typeof SchedulePreset>;

export const ScheduleInput = z.object({
  name: z.string().trim().min(1, 'name is empty').max(120),
  kind: z.string().trim().min(1, 'choose a job kind').max(100),
  params: z.unknown().default({}),
  /** Five fields: minute hour day-of-month month day-of-week. */
  cron: z.string().trim().min(1, 'cron is empty').max(200),
  tz: z.string().trim().min(1).max(64).default('UTC'),
  enabled: z.boolean().default(true),
  concurrencyPolicy: ConcurrencyPolicy.default('Forbid'),
  /** A tick that cannot start within this many seconds counts as missed (default 120). */
  startingDeadlineSeconds: z.number().int().min(1).max(7 * 86_400).nullable().default(null),
  /** A run going longer than this is cancelled and reported. */
  activeDeadlineSeconds: z.number().int().min(1).max(30 * 86_400).nullable().default(null),
  catchUp: CatchUp.default('skip'),
  presetId: z.string().max(100).nullable().default(null),
  source: z.string().max(2000).nullable().default(null),
});
export type ScheduleInput = z.input<typeof ScheduleInput>;

export const TickStatus = z.enum(['requested', 'skipped', 'missed', 'failed']);
export type TickStatus = z.infer<typeof TickStatus>;

export const Tick = z.object({
  scheduleId: id,
  scheduledFor: isoTime,
  /** `manual`: run now; `catch_up`: the one run for ticks missed while no worker was up. */
  trigger: z.enum(['cron', 'manual', 'catch_up']),
  status: TickStatus,
  reason: z.string().nullable(),
  runId: z.string().nullable(),
  /** The run's status as last seen (queued … succeeded/failed/cancelled). */
  runStatus: z.string().nullable(),
  deadlineExceeded: z.boolean(),
  decidedBy: z.string(),
  decidedAt: isoTime,
});
export type Tick = z.infer<typeof Tick>;

export const Schedule = z.object({
  id,
  name: z.string(),
  kind: z.string(),
  params: z.unknown(),
  cron: z.string(),
  tz: z.string(),
  enabled: z.boolean(),
  concurrencyPolicy: ConcurrencyPolicy,
  startingDeadlineSeconds: z.number().nullable(),
  activeDeadlineSeconds: z.number().nullable(),
  catchUp: CatchUp,
  presetId: z.string().nullable(),
  source: z.string().nullable(),
  /** Human description of the cron line ("at 02:00 every day (UTC)"). */
  description: z.string(),
  nextTicks: z.array(isoTime),
  lastTick: Tick.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Schedule = z.infer<typeof Schedule>;

export const PresetInfo = SchedulePreset.extend({ feature: z.string(), description: z.string(), nextTicks: z.array(isoTime), applied: z.boolean() });
export type PresetInfo = z.infer<typeof PresetInfo>;

export const schedulePatch = patchOf(ScheduleInput);

export const scheduleCalls = {
  'schedules.list': call('Schedules with their next ticks and last outcome', noInput, z.array(Schedule)),
  'schedules.presets': call('Schedules the features offer for their jobs (from the runbooks’ cron lines)', noInput, z.array(PresetInfo)),
  'schedules.add': call('Create a schedule', ScheduleInput, Schedule),
  'schedules.applyPreset': call('Create the schedule of a preset (editable afterwards)', z.object({ presetId: id, enabled: z.boolean().default(true) }), Schedule),
  'schedules.update': call('Change a schedule', z.object({ id, patch: schedulePatch }), Schedule),
  'schedules.remove': call('Delete a schedule and its history', z.object({ id }), z.object({ ok: z.literal(true) })),
  'schedules.setEnabled': call('Pause or resume a schedule', z.object({ id, enabled: z.boolean() }), Schedule),
  'schedules.runNow': call('Start a run of the schedule now (recorded as a manual tick)', z.object({ id }), z.object({ tick: Tick, run: JobRun.nullable() })),
  'schedules.history': call('Ticks of a schedule, newest first', z.object({ id, limit: z.number().int().min(1).max(1000).default(100) }), z.array(Tick)),
  'schedules.preview': call('Check a cron line and time zone and show the next ticks', z.object({ cron: z.string().max(200), tz: z.string().max(64).default('UTC'), count: z.number().int().min(1).max(50).default(5) }), z.object({ description: z.string(), nextTicks: z.array(isoTime) })),
};
