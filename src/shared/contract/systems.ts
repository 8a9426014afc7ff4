import { z } from 'zod';
import { call, topic } from './define.ts';
import { httpUrl, id, isoTime, noInput, ok, patchOf } from './common.ts';
import { CheckResult, HealthReport } from './health.ts';

/** The five runbook systems, plus anything else a team runs. */
export const SYSTEM_KINDS = ['what-the-repo', 'leaderboard', 'autodevops', 'pggit', 'contributor-info', 'generic'] as const;
export const SystemKind = z.enum(SYSTEM_KINDS);
export type SystemKind = z.infer<typeof SystemKind>;

const endpointPath = z.string().trim().regex(/^\/[^\s?#]*$/, 'a path starting with / (no query string)').max(200);
const headerName = z.string().trim().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'a valid HTTP header name');

/** One HTTP service of a system: which paths answer its health, which must. */
export const SystemHttpService = z.object({
  name: z.string().trim().min(1).max(80),
  url: httpUrl,
  /** Probed in parallel; `/` is a valid health path (What the Repo answers there). */
  endpoints: z.array(endpointPath).min(1).max(20).default(['/health']),
  /** Paths that must answer 2xx; the others may be "not served". */
  required: z.array(endpointPath).max(20).default([]),
  metricsPath: endpointPath.nullable().default(null),
  /** Non-secret headers; secret ones are stored in the keychain (systems.setSecret header:<service>:<name>). */
  headers: z.record(headerName, z.string().max(2000)).default({}),
  /** Role in the pack (pggit's API, AutoDevOps's api …); default: the first service. */
  role: z.enum(['api', 'frontend', 'other']).default('api'),
});
export type SystemHttpService = z.infer<typeof SystemHttpService>;

/** An operator-defined lifecycle command (the console never invents one). */
export const SystemCommand = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -'),
  title: z.string().trim().min(1).max(120),
  /** argv, run without a shell. */
  argv: z.array(z.string().max(1000)).min(1).max(50),
  /** After it exits 0, poll the system's health until healthy (or this many seconds pass). */
  waitForReadySeconds: z.number().int().min(0).max(1800).default(60),
});
export type SystemCommand = z.infer<typeof SystemCommand>;

export const Quotas = z.object({
  /** AutoDevOps runbook: 100k tokens per user per day, 500k per repository per day. */
  userDailyTokens: z.number().int().min(1).default(100_000),
  repoDailyTokens: z.number().int().min(1).default(500_000),
  /** Leaderboard runbook: budget utilisation warns at 80 %, is critical at 95 %. */
  dailyBudgetUsd: z.number().positive().default(10),
  monthlyBudgetUsd: z.number().positive().default(200),
});

export const SystemFields = z.object({
  name: z.string().trim().min(1, 'name is required').max(80),
  kind: SystemKind.default('generic'),
  description: z.string().max(500).default(''),
  /** The schema of the system's tables in its own database. */
  postgresSchema: z.string().min(1).max(63).default('public'),
  /** BullMQ queue names (AutoDevOps: analysis, sync, ci_generation). */
  queues: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  queuePrefix: z.string().min(1).max(100).default('bull'),
  /** Redis is a cache (pgGit's L2) rather than a queue store. */
  redisIsCache: z.boolean().default(false),
  milvusCollections: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,254}$/)).max(20).default([]),
  http: z.array(SystemHttpService).max(20).default([]),
  commands: z.array(SystemCommand).max(30).default([]),
  quotas: Quotas.default({ userDailyTokens: 100_000, repoDailyTokens: 500_000, dailyBudgetUsd: 10, monthlyBudgetUsd: 200 }),
  /** Per-check deadline for this system's health checks. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});
export type SystemFields = z.infer<typeof SystemFields>;

export type SystemSecretKey = z.infer<typeof SystemSecretKey>;
export const SYSTEM_SECRET_KEYS = ['postgres_url', 'redis_url', 'milvus_url', 'milvus_token'] as const;
/** A connection secret, or a secret header of one HTTP service: header:<service>:<Header-Name>. */
export const SystemSecretKey = z.union([z.enum(SYSTEM_SECRET_KEYS), z.string().regex(/^header:[^:]{1,80}:[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'postgres_url, redis_url, milvus_url, milvus_token or header:<service>:<Header-Name>')]);

export const System = SystemFields.extend({
  id,
  /** Names of the secrets stored for it (never their values). */
  secrets: z.array(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type System = z.infer<typeof System>;

export const Detection = z.object({
  kind: SystemKind,
  /** Why: the tables and endpoints that matched, per kind. */
  evidence: z.array(z.object({ kind: SystemKind, score: z.number(), found: z.array(z.string()) })),
  tablesSeen: z.number(),
});
export type Detection = z.infer<typeof Detection>;

export const SystemHealth = z.object({
  system: z.object({ id, name: z.string(), kind: SystemKind }),
  results: z.array(CheckResult),
  report: HealthReport,
});
export type SystemHealth = z.infer<typeof SystemHealth>;

export const SystemsHealthRun = z.object({ systems: z.array(SystemHealth), status: z.enum(['healthy', 'degraded', 'down']), durationMs: z.number(), at: isoTime });
export type SystemsHealthRun = z.infer<typeof SystemsHealthRun>;

const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A pack check: a runbook query or API call, with what it found. */
export const PackCheckResult = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['healthy', 'degraded', 'down', 'unknown']),
  summary: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(Cell)),
  /** What ran: the SQL or the API request. */
  source: z.string(),
});
export type PackCheckResult = z.infer<typeof PackCheckResult>;

export const PackActionInfo = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** Parameters the action takes, by name → one-line help. */
  params: z.record(z.string(), z.string()),
  /** Changes the system (DELETE, UPDATE, queue clean …) rather than only asking it to work. */
  destructive: z.boolean(),
});

export const PackDescription = z.object({ kind: SystemKind, checks: z.array(z.object({ id: z.string(), title: z.string() })), actions: z.array(PackActionInfo) });

const ActionParams = z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean()])).default({});

export const ActionPreview = z.object({
  action: z.string(),
  title: z.string(),
  /** Exactly what will run: SQL statements, BullMQ calls or HTTP requests. */
  operations: z.array(z.string()),
  /** What it would touch now (a dry-run count …). */
  impact: z.string(),
  /** The operator types this to confirm. */
  confirmText: z.string(),
});
export type ActionPreview = z.infer<typeof ActionPreview>;

export const ActionResult = z.object({ action: z.string(), summary: z.string(), operations: z.array(z.string()), affected: z.number().nullable(), auditId: z.number(), output: z.string().optional() });

export const SystemAudit = z.object({ id: z.number(), at: isoTime, systemId: z.string(), action: z.string(), operator: z.string(), operations: z.array(z.string()), outcome: z.string(), summary: z.string() });

export const systemCalls = {
  'systems.list': call('The registered systems (What the Repo, Leaderboard, AutoDevOps, pgGit, contributor.info …)', noInput, z.array(System)),
  'systems.create': call('Register a system', SystemFields, System),
  'systems.update': call('Change a system', z.object({ id, patch: patchOf(SystemFields) }), System),
  'systems.delete': call('Forget a system and its keychain entries (its databases are not touched)', z.object({ id }), ok),
  'systems.setSecret': call('Store a connection secret of a system in the keychain (empty value: delete)', z.object({ id, key: SystemSecretKey, value: z.string().max(4000) }), System),
  'systems.detect': call("Detect a system's kind from its tables and endpoints (read-only)", z.object({ id }), Detection),
  'systems.health': call('Run the health checks of all (or some) systems at once, in parallel', z.object({ ids: z.array(id).optional() }).default({}), SystemsHealthRun),
  'systems.latest': call('The last health run of all systems', noInput, z.object({ run: SystemsHealthRun.nullable() })),
  'systems.audit': call('Actions run on a system (who, what, exactly which operations)', z.object({ id: id.optional(), limit: z.number().int().min(1).max(1000).default(100) }).default({ limit: 100 }), z.array(SystemAudit)),
  'packs.describe': call("A system's pack: its runbook checks and listed actions", z.object({ id }), PackDescription),
  'packs.check': call("Run a pack's read-only checks against the system (all, or one)", z.object({ id, check: z.string().optional() }), z.array(PackCheckResult)),
  'packs.preview': call('What a listed action would run, exactly, and what it would touch now', z.object({ id, action: z.string(), params: ActionParams }), ActionPreview),
  'packs.run': call('Run a listed action once the operator confirmed it with its confirm text (audited)', z.object({ id, action: z.string(), params: ActionParams, confirm: z.string() }), ActionResult),
};

export const systemTopics = {
  'systems.changed': topic('Systems were registered, changed or removed', z.object({}).strict().default({}), z.array(System)),
  'systems.results': topic('Results of every systems health run (scheduled or one-click)', z.object({}).strict().default({}), SystemsHealthRun),
};
