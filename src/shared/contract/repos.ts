import { z } from 'zod';
import { call } from './define.ts';
import { id, isoTime, noInput } from './common.ts';
import { JobRun } from './jobs.ts';

const repoName = z.string().trim().min(1, 'enter a repository as owner/name').max(200);

const dateLike = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date like 2024-01-31 or an ISO timestamp');

/** What to sync: incremental by default, everything again, or a created-at window. */
export const SyncRequest = z
  .object({
    repository: repoName,
    mode: z.enum(['incremental', 'full', 'range']).default('incremental'),
    timeRangeDays: z.number().int().min(1, 'time range must be at least 1 day').max(36_500).optional(),
    since: dateLike.optional(),
    until: dateLike.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.since && v.until && Date.parse(v.since) >= Date.parse(v.until)) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after since' });
    if (v.timeRangeDays && v.since) ctx.addIssue({ code: 'custom', path: ['since'], message: 'use either a time range in days or since/until, not both' });
    if (v.mode === 'full' && (v.timeRangeDays || v.since || v.until)) ctx.addIssue({ code: 'custom', path: ['mode'], message: 'a full refresh syncs everything: drop the time range' });
  });
export type SyncRequest = z.infer<typeof SyncRequest>;

export const CountCheck = z.object({ github: z.number().int(), stored: z.number().int(), match: z.boolean() });

export const Reconciliation = z.object({
  window: z.object({ since: isoTime.nullable(), until: isoTime.nullable() }),
  pullRequests: CountCheck,
  issues: CountCheck,
  /** Default-branch commits and releases (absent on runs from before they were synced). */
  commits: CountCheck.optional(),
  releases: CountCheck.optional(),
  nestedGaps: z.number().int(),
  ok: z.boolean(),
  checkedAt: isoTime,
});
export type Reconciliation = z.infer<typeof Reconciliation>;

export const SyncRunSummary = z.object({
  id,
  mode: z.string(),
  status: z.string(),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  requests: z.number().int(),
  graphqlPoints: z.number().int(),
  rowsWritten: z.number(),
  reconciliation: Reconciliation.nullable(),
  error: z.string().nullable(),
});
export type SyncRunSummary = z.infer<typeof SyncRunSummary>;

export const RepositoryRow = z.object({
  id,
  fullName: z.string(),
  previousNames: z.array(z.string()),
  htmlUrl: z.string().nullable(),
  lastSyncedAt: isoTime.nullable(),
  counts: z.object({ pullRequests: z.number().int(), issues: z.number().int(), reviews: z.number().int(), comments: z.number().int(), contributors: z.number().int() }),
  lastRun: SyncRunSummary.nullable(),
  activeRunId: z.string().nullable(),
});
export type RepositoryRow = z.infer<typeof RepositoryRow>;

export const SyncPlan = z.object({
  repository: z.string(),
  mode: z.string(),
  window: z.object({ since: isoTime.nullable(), until: isoTime.nullable() }),
  pullRequests: z.number().int(),
  issues: z.number().int(),
  estimatedRequests: z.number().int(),
  estimatedPoints: z.number().int(),
  rateLimit: z.object({ graphqlRemaining: z.number().nullable(), graphqlResetAt: isoTime.nullable() }),
  note: z.string(),
});
export type SyncPlan = z.infer<typeof SyncPlan>;

export const WarehouseStatus = z.object({
  mode: z.enum(['embedded', 'external']),
  target: z.string(),
  serverVersion: z.string(),
  /** The console's own schema; nothing outside it is created or altered. */
  schema: z.string(),
  schemaVersion: z.number().int(),
  migrations: z.record(z.string(), z.number().int()),
  upToDate: z.boolean(),
  pgvector: z.boolean(),
  dataDir: z.string().nullable(),
});

export const RemovalPreview = z.object({
  repository: z.string(),
  pullRequests: z.number().int(),
  issues: z.number().int(),
  /** Its vectors in the active profile's collection; null when Milvus could not be asked (see vectorsError). */
  vectors: z.object({ collection: z.string(), count: z.number().int() }).nullable(),
  vectorsError: z.string().nullable(),
});
export type RemovalPreview = z.infer<typeof RemovalPreview>;

export const repoCalls = {
  'warehouse.status': call('Which Postgres the warehouse is (embedded or configured), its version and schema', noInput, WarehouseStatus),
  'repos.list': call('Tracked repositories with counts, last sync and reconciliation', noInput, z.array(RepositoryRow)),
  'repos.track': call('Track a repository (checked on GitHub; renames followed)', z.object({ repository: repoName }), z.object({ repository: RepositoryRow, renamedFrom: z.string().nullable() })),
  'repos.removalPreview': call('What removing a repository deletes: its warehouse rows and its vectors in Milvus (counted)', z.object({ id }), RemovalPreview),
  'repos.untrack': call(
    'Stop tracking a repository and delete its rows from the warehouse; with deleteVectors, its vectors in Milvus first',
    z.object({ id, deleteVectors: z.boolean().default(false) }),
    z.object({ ok: z.literal(true), vectorsDeleted: z.number().int().nullable() }),
  ),
  'repos.sync': call('Start a sync job for a repository', SyncRequest, JobRun),
  'repos.plan': call('Dry run: what a sync would fetch (counts, requests, points), without writing', SyncRequest, SyncPlan),
  'repos.runs': call('Sync run history of a repository', z.object({ id, limit: z.number().int().min(1).max(200).default(20) }), z.array(SyncRunSummary)),
};
