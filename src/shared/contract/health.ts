import { z } from 'zod';
import { call, topic } from './define.ts';
import { id, isoTime, noInput } from './common.ts';

const StatusSchema = z.enum(['healthy', 'degraded', 'down', 'unknown']);

export const CheckResult = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  status: StatusSchema,
  latencyMs: z.number().nullable(),
  summary: z.string(),
  details: z.record(z.string(), z.unknown()),
  findings: z.array(z.object({ status: StatusSchema, message: z.string(), threshold: z.string().optional() })),
  checkedAt: isoTime,
  configured: z.boolean(),
  /** The system the service belongs to (a registered system's id, or 'console' for the active profile's own connections). */
  system: z.string().optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** Shaped like the What-the-Repo runbook's health answer. */
export const HealthReport = z.object({ status: z.enum(['healthy', 'degraded', 'down']), timestamp: isoTime, version: z.string(), services: z.record(z.string(), StatusSchema) });
export type HealthReport = z.infer<typeof HealthReport>;

export const HealthRun = z.object({ results: z.array(CheckResult), report: HealthReport, durationMs: z.number() });
export type HealthRun = z.infer<typeof HealthRun>;

export const HistoryPoint = z.object({ service: z.string(), ts: isoTime, status: StatusSchema, latencyMs: z.number().nullable() });

export const UptimeRow = z.object({
  service: z.string(),
  checks: z.number().int(),
  /** healthy + degraded over every check with a verdict (unknown excluded); null without one. */
  uptimePct: z.number().nullable(),
  counts: z.object({ healthy: z.number().int(), degraded: z.number().int(), down: z.number().int(), unknown: z.number().int() }),
  /** Oldest first; each the worst status of its checks, null when none ran in it. */
  bars: z.array(z.object({ start: isoTime, status: StatusSchema.nullable(), checks: z.number().int() })),
});
export type UptimeRow = z.infer<typeof UptimeRow>;

/** The connections a profile has, by their health check's id (postgres: the warehouse). */
export const CONNECTIONS = ['postgres', 'github', 'openai', 'milvus', 'redis'] as const;
export const Connection = z.enum(CONNECTIONS);
export type Connection = z.infer<typeof Connection>;

export const healthCalls = {
  'health.test': call("Save & test: run one connection's check for a profile (active or not, with its own secrets); the verdict is that profile's only", z.object({ profileId: id, connection: Connection }), CheckResult),
  'health.verdicts': call('The latest verdict of each connection for one profile', z.object({ profileId: id }), z.array(CheckResult)),
  'health.uptime': call('Uptime % and status bars per service over a range (Uptime Kuma style)', z.object({ hours: z.number().min(1).max(24 * 30).default(24), bars: z.number().int().min(10).max(120).default(60) }).default({ hours: 24, bars: 60 }), z.array(UptimeRow)),
  'health.run': call('Run every health check now, in parallel, each with its own timeout', z.object({ only: z.array(z.string()).optional() }).default({}), HealthRun),
  'health.latest': call('The last result of every check', noInput, z.object({ run: HealthRun.nullable() })),
  'health.history': call('Past results of one or all checks', z.object({ service: z.string().optional(), hours: z.number().min(1).max(24 * 30).default(24), limit: z.number().int().min(1).max(5000).default(500) }).default({ hours: 24, limit: 500 }), z.array(HistoryPoint)),
  'health.thresholds': call('The alert thresholds in force (runbook defaults plus edits in Settings)', noInput, z.record(z.string(), z.record(z.string(), z.number()))),
};

export const healthTopics = {
  'health.changed': topic('A check changed status (healthy → down …)', z.object({}).strict().default({}), z.object({ service: z.string(), name: z.string(), from: StatusSchema.nullable(), to: StatusSchema, summary: z.string(), at: isoTime })),
  'health.results': topic('Results of every health run (scheduled or one-click)', z.object({}).strict().default({}), HealthRun),
};
