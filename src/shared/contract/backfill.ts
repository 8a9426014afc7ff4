import { z } from 'zod';
import { call } from './define.ts';
import { id } from './common.ts';
import { JobRun } from './jobs.ts';
import { BudgetOverride } from './costs.ts';

/** The aggressive-backfill guide's options, plus the refresh mode and workspaces. */
export const BackfillRequest = z
  .object({
    repository: z.string().trim().min(1, 'choose a repository').max(200),
    timeRangeDays: z.number().int().min(1).max(36_500).optional(),
    mode: z.enum(['incremental', 'full']).default('incremental'),
    skipEmbeddings: z.boolean().default(false),
    embeddingsOnly: z.boolean().default(false),
    workspaces: z.array(z.string().min(1).max(200)).max(50).default([]),
    /**
     * The estimate only: time Milvus writes on a scratch collection of the console's own (created,
     * written, counted and dropped). Off, typical Milvus figures are used and the band is wider:
     * nothing is created in the operator's Milvus unless they ask for it.
     */
    timeWrites: z.boolean().default(false),
    /**
     * The estimate only: read GitHub again rather than reuse the reading the preflight or an earlier
     * estimate made in the last few minutes (the default: one reading serves preflight, estimate, start).
     */
    rereadGitHub: z.boolean().default(false),
    /** Start even though the estimate is over a budget (audited). */
    budgetOverride: BudgetOverride.optional(),
  })
  .refine((r) => !(r.skipEmbeddings && r.embeddingsOnly), { message: 'skip embeddings and embeddings only exclude each other', path: ['embeddingsOnly'] })
  .refine((r) => !(r.mode === 'full' && r.timeRangeDays), { message: 'a full refresh syncs everything: drop the time range', path: ['mode'] });
export type BackfillRequest = z.infer<typeof BackfillRequest>;

export const CheckState = z.enum(['pass', 'fail', 'warn', 'skipped']);
export type CheckState = z.infer<typeof CheckState>;

export const PreflightCheck = z.object({
  id: z.string(),
  label: z.string(),
  state: CheckState,
  message: z.string(),
  /** Where to fix it: a console route (e.g. /settings) or a runbook id. */
  fix: z.object({ label: z.string(), route: z.string() }).nullable(),
});
export type PreflightCheck = z.infer<typeof PreflightCheck>;

export const Preflight = z.object({ checks: z.array(PreflightCheck), ok: z.boolean() });
export type Preflight = z.infer<typeof Preflight>;

export const GuideRow = z.object({ size: z.string(), sync: z.string(), embeddings: z.string(), total: z.string() });

/** A figure with its uncertainty band (about 95 %: the sample's error and the timing model's spread). */
export const EstimateRange = z.object({ value: z.number(), low: z.number(), high: z.number() });
export type EstimateRange = z.infer<typeof EstimateRange>;

export const EstimateFigures = z.object({ requests: EstimateRange, tokens: EstimateRange, usd: EstimateRange, seconds: EstimateRange });
export type EstimateFigures = z.infer<typeof EstimateFigures>;

/** The backfill's steps, in the order they run. */
export const BackfillStep = z.enum(['sync', 'aggregate', 'embeddings', 'verify']);
export type BackfillStep = z.infer<typeof BackfillStep>;

/** One step's estimate: sync (GitHub requests), aggregate, embeddings (OpenAI requests, tokens, dollars), verify. */
export const StepEstimate = EstimateFigures.extend({ step: BackfillStep, basis: z.string() });
export type StepEstimate = z.infer<typeof StepEstimate>;

export const BackfillEstimate = z.object({
  repository: z.string(),
  window: z.object({ since: z.string().nullable() }),
  github: z.object({ pullRequests: z.number().int(), issues: z.number().int(), requests: z.number().int(), points: z.number().int(), graphqlRemaining: z.number().nullable(), graphqlResetAt: z.string().nullable() }),
  embeddings: z.object({ items: z.number().int(), tokens: z.number().int(), usd: z.number(), model: z.string(), basis: z.string() }),
  milvus: z.object({ entities: z.number().int(), collection: z.string() }),
  time: z.object({ syncS: z.number(), embedS: z.number(), aggregateS: z.number(), totalS: z.number(), basis: z.string() }),
  sizeClass: z.string(),
  guide: z.array(GuideRow),
  steps: z.array(StepEstimate),
  total: EstimateFigures,
  /** What the figures are measured from: the size scan of the sync's pages and the text sample. */
  sample: z.object({
    items: z.number().int(),
    population: z.number().int(),
    scannedPages: z.number().int(),
    scanComplete: z.boolean(),
    method: z.string(),
    /** When GitHub was read for these figures: an estimate reuses the preflight's reads for a few minutes. */
    readAt: z.string(),
  }),
  /** Incremental runs: what changed since the last complete sync's mark (null: a full pass). */
  changes: z.object({ since: z.string(), pullRequests: z.number().int(), issues: z.number().int() }).nullable(),
});
export type BackfillEstimate = z.infer<typeof BackfillEstimate>;

export const VerificationItem = z.object({
  id: z.string(),
  label: z.string(),
  state: CheckState,
  evidence: z.string(),
  /** The verification query behind the item (Queries page). */
  queryId: z.string().nullable(),
  details: z.array(z.string()).default([]),
});
export type VerificationItem = z.infer<typeof VerificationItem>;

export const Verification = z.object({ items: z.array(VerificationItem), ok: z.boolean(), checkedAt: z.string() });
export type Verification = z.infer<typeof Verification>;

/** One step's live progress inside a backfill run (progress.extra.steps[name]). */
export interface BackfillStepState {
  done: number;
  total: number | null;
  unit: string;
  message: string | null;
  ratePerSec: number | null;
  etaSeconds: number | null;
  /** paused / cancelled / interrupted / failed: the run stopped while this step was under way; reused: a retry from a later step took its result. */
  state: 'pending' | 'running' | 'done' | 'skipped' | 'paused' | 'cancelled' | 'interrupted' | 'failed' | 'reused';
  seconds: number | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  [figure: string]: unknown;
}

/** What a finished backfill run stores as its result (job history, reports). */
export interface BackfillResult {
  request: BackfillRequest;
  repository: string;
  steps: {
    sync: { items: number; rowsWritten: number; seconds: number; requests: number; graphqlPoints: number } | null;
    embeddings: {
      items: number; tokens: number; usd: number; requests: number; model: string; seconds: number; truncated?: number; truncatedTokens?: number;
      /** Seconds of the step's parts: collection set-up, the plan's pass, reading and tokenizing texts, Milvus writes, warehouse marks, final flush and counts (the rest is sending). */
      parts?: { setup: number; plan: number; text: number; milvus: number; warehouse: number; finish: number };
    } | null;
    aggregate: { seconds: number; workspaces: { name: string; totalPullRequests: number; totalIssues: number; totalContributors: number }[] };
    verify: { seconds: number };
  };
  verification: Verification;
  seconds: number;
}

export const backfillCalls = {
  'backfill.preflight': call('Check every prerequisite of a backfill live', BackfillRequest, Preflight),
  'backfill.estimate': call('Counts from GitHub, requests, points, time, tokens and dollars, before starting', BackfillRequest, BackfillEstimate),
  'backfill.start': call('Start (or resume) a backfill: sync → workspace aggregation → embeddings → verification', BackfillRequest, JobRun),
  'backfill.current': call('The backfill the wizard should show: running, paused or interrupted, else the latest', z.object({}).strict().default({}), JobRun.nullable()),
  'backfill.report': call('A run report to save', z.object({ runId: id, format: z.enum(['json', 'markdown']) }), z.object({ filename: z.string(), content: z.string() })),
  'backfill.saveDryRun': call('A dry-run report (estimate and preflight) to save', z.object({ request: BackfillRequest, format: z.enum(['json', 'markdown']) }), z.object({ filename: z.string(), content: z.string() })),
};
