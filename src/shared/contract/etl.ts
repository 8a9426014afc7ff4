import { z } from 'zod';

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
  })
  .strict();
export type WhatShippedParams = z.output<typeof WhatShippedParams>;
