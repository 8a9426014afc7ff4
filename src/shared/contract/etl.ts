import { z } from 'zod';
import { isoTime } from './common.ts';
import { call } from './define.ts';
import { JobRun } from './jobs.ts';

const repoName = z
  .string()
  .trim()
  .regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name')
  .max(200);

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'is not a calendar date');

/** An IANA time zone name the runtime knows (Postgres knows the same database). */
export const timeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((v) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: v });
      return true;
    } catch {
      return false;
    }
  }, 'is not a known time zone (e.g. UTC, Europe/Berlin)');

export const ENGINEER_LENS_TABLES = ['authors', 'author_metrics_daily', 'author_metrics_window', 'author_prs_window', 'author_file_ownership'] as const;
export const EngineerLensTable = z.enum([...ENGINEER_LENS_TABLES, 'all']);

/** The Engineer Lens job: What the Repo's `engineer_lens_data_processor.py` options. */
export const EngineerLensParams = z
  .object({
    updateTable: EngineerLensTable.default('all'),
    /** null: every repository. */
    repository: repoName.nullable().default(null),
    forceRefresh: z.boolean().default(false),
    /** Restage and recompute only PRs created or merged in this range. */
    since: day.nullable().default(null),
    until: day.nullable().default(null),
    /** The windows' end date; today in the time zone when null. */
    asOf: day.nullable().default(null),
    /** Days are counted in this zone; the Team time zone setting when null. */
    timeZone: timeZone.nullable().default(null),
    /** Started by a sync rather than an operator. */
    trigger: z.enum(['operator', 'sync', 'schedule']).default('operator'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.since && v.until && v.since > v.until) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must not be before since' });
    if (v.forceRefresh && (v.since || v.until)) ctx.addIssue({ code: 'custom', path: ['forceRefresh'], message: 'a force refresh rebuilds everything: drop since/until' });
  });
export type EngineerLensParams = z.output<typeof EngineerLensParams>;

/** The What Shipped job: What the Repo's `what_shipped_data_processor.py`. */
export const WhatShippedParams = z
  .object({
    repository: repoName.nullable().default(null),
    forceRefresh: z.boolean().default(false),
    trigger: z.enum(['operator', 'sync', 'schedule']).default('operator'),
    /** Opt-in: summaries and an LLM risk score for PRs whose content has no answer yet (paid; estimated and budget-checked first). */
    llm: z.boolean().default(false),
    llmModel: z.string().trim().regex(/^[\w.:-]{1,64}$/, 'must be a model name such as gpt-4o-mini').default('gpt-4o-mini'),
    /** Score at most this many PRs in this run (newest first); null: every due PR. */
    llmMaxPrs: z.number().int().min(1).max(100_000).nullable().default(null),
  })
  .strict();
export type WhatShippedParams = z.output<typeof WhatShippedParams>;

export const LlmEstimateQuery = z
  .object({
    repository: repoName.nullable().default(null),
    llmModel: z.string().trim().regex(/^[\w.:-]{1,64}$/, 'must be a model name such as gpt-4o-mini').default('gpt-4o-mini'),
    llmMaxPrs: z.number().int().min(1).max(100_000).nullable().default(null),
  })
  .strict();
export const LlmEstimate = z.object({
  model: z.string(),
  inScope: z.number().int(),
  alreadyScored: z.number().int(),
  prs: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  usd: z.number(),
  githubRequests: z.number().int(),
  pricePerMillion: z.object({ input: z.number(), output: z.number() }),
});
export type LlmEstimate = z.infer<typeof LlmEstimate>;

// ---- reads for the Engineers and What Shipped pages, the explain plan ----

export const WindowDays = z.union([z.literal(7), z.literal(15), z.literal(30), z.literal(60), z.literal(90), z.literal(999)]);
export const ShippedWindow = z.union([z.literal(7), z.literal(30), z.literal(90), z.literal(999)]);
export const RiskBand = z.enum(['low', 'medium', 'high']);

export const EtlPlanRow = z.object({
  table: z.string(),
  repository: z.string(),
  mode: z.enum(['full', 'incremental', 'unchanged']),
  reason: z.string(),
  pendingChanges: z.number().int(),
  rows: z.number().int(),
  refreshedAt: isoTime.nullable(),
});
export const EtlPlan = z.object({
  timeZone: z.string(),
  asOf: z.string(),
  /** PRs synced since the last staging (checked by content hash when the job runs). */
  candidates: z.array(z.object({ repository: z.string(), prs: z.number().int(), lastStagedAt: isoTime.nullable() })),
  rows: z.array(EtlPlanRow),
});
export type EtlPlan = z.infer<typeof EtlPlan>;

export const EngineerRow = z.object({
  username: z.string(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  repositories: z.array(z.string()),
  prsSubmitted: z.number().int(),
  prsMerged: z.number().int(),
  linesChanged: z.number(),
  highRiskPrs: z.number().int(),
  highRiskRate: z.number().nullable(),
  featuresMerged: z.number().int(),
  ownershipLowRiskPrs: z.number().int(),
});
export type EngineerRow = z.infer<typeof EngineerRow>;

export const RiskyFile = z.object({ path: z.string(), score: z.number(), lines: z.number(), reasons: z.array(z.string()) });
export const ShippedPr = z.object({
  repository: z.string(),
  number: z.number().int(),
  title: z.string(),
  summary: z.string().nullable(),
  author: z.string(),
  createdAt: isoTime,
  mergedAt: isoTime.nullable(),
  additions: z.number().int(),
  deletions: z.number().int(),
  changedFiles: z.number().int(),
  labels: z.array(z.string()),
  featureRule: z.string(),
  featureConfidence: z.number(),
  riskScore: z.number(),
  riskBand: RiskBand,
  highRisk: z.boolean(),
  riskReasons: z.array(z.string()),
  topRiskyFiles: z.array(RiskyFile),
  /** The LLM's score next to the rubric's, when an answer for the PR's current content exists. */
  llmRisk: z.object({ score: z.number(), band: RiskBand, reasons: z.array(z.string()), model: z.string(), scoredAt: isoTime }).nullable(),
});
export type ShippedPr = z.infer<typeof ShippedPr>;

export const EngineersQuery = z.object({ repository: repoName.nullable().default(null), window: WindowDays.default(30) }).strict();
export const AuthorQuery = z.object({ username: z.string().trim().min(1).max(100), repository: repoName.nullable().default(null), window: WindowDays.default(30) }).strict();
export const ShippedQuery = z
  .object({
    repository: repoName.nullable().default(null),
    window: ShippedWindow.default(30),
    author: z.string().trim().min(1).max(100).nullable().default(null),
    band: RiskBand.nullable().default(null),
    featuresOnly: z.boolean().default(false),
  })
  .strict();
export type ShippedQuery = z.output<typeof ShippedQuery>;

export const ShippedSummary = z.object({
  merged: z.number().int(),
  features: z.number().int(),
  authors: z.number().int(),
  lines: z.number(),
  topAuthors: z.array(z.object({ author: z.string(), prs: z.number().int(), features: z.number().int() })),
  risk: z.object({ low: z.number().int(), medium: z.number().int(), high: z.number().int() }),
  featureSplit: z.record(z.string(), z.number().int()),
});

export const etlCalls = {
  'etl.engineerLens': call("Start the Engineer Lens ETL (What the Repo's engineer_lens_data_processor)", EngineerLensParams, JobRun),
  'etl.whatShipped': call("Start the What Shipped ETL (What the Repo's what_shipped_data_processor)", WhatShippedParams, JobRun),
  'etl.llmEstimate': call('What an LLM pass of What Shipped would score and cost (PRs, tokens, US$, GitHub requests); nothing is sent', LlmEstimateQuery, LlmEstimate),
  'etl.explain': call('What an Engineer Lens run would do per table and repository, and why (nothing written)', EngineerLensParams, EtlPlan),
  'engineers.list': call('Authors with their window metrics, for a repository or all', EngineersQuery, z.object({ repositories: z.array(z.string()), asOf: z.string().nullable(), timeZone: z.string().nullable(), rows: z.array(EngineerRow) })),
  'engineers.author': call(
    "One author: daily series, PRs in the window with risk and reasons, files and ownership",
    AuthorQuery,
    z.object({
      author: EngineerRow.nullable(),
      daily: z.array(z.object({ day: z.string(), prsSubmitted: z.number().int(), prsMerged: z.number().int(), linesChanged: z.number(), highRiskPrs: z.number().int(), featuresMerged: z.number().int() })),
      prs: z.array(ShippedPr),
      files: z.array(z.object({ repository: z.string(), path: z.string(), ownershipPct: z.number(), authorLines: z.number(), totalLines: z.number(), lastTouched: isoTime })),
    }),
  ),
  'shipped.list': call('Merged PRs in a window with the shipping summary', ShippedQuery, z.object({ since: z.string().nullable().describe("the window's first instant: local midnight in the team time zone"), timeZone: z.string(), prs: z.array(ShippedPr), truncated: z.boolean().describe('the list shows the newest PRs only; the summary and the exports cover all'), summary: ShippedSummary })),
  'shipped.export': call('The shipping digest as Markdown or CSV', ShippedQuery.extend({ format: z.enum(['markdown', 'csv']).default('markdown') }), z.object({ filename: z.string(), content: z.string() })),
};
