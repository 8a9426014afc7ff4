import { z } from 'zod';
import { call } from './define.ts';
import { id, isoTime, noInput, ok } from './common.ts';

export const BudgetMetric = z.enum(['usd', 'tokens', 'github_points']);
export type BudgetMetric = z.infer<typeof BudgetMetric>;
/** `hour` is a rolling hour (like GitHub's own limit); days and months are UTC calendar windows; `job` is one run. */
export const BudgetPeriod = z.enum(['month', 'day', 'hour', 'job']);
export type BudgetPeriod = z.infer<typeof BudgetPeriod>;
/** `openai` covers every OpenAI spend (embeddings and LLM scoring). */
export const BudgetCategory = z.enum(['openai', 'embeddings', 'llm', 'github']);
export type BudgetCategory = z.infer<typeof BudgetCategory>;
export const CostCategory = z.enum(['embeddings', 'llm', 'github']);
export type CostCategory = z.infer<typeof CostCategory>;
export const BudgetLevel = z.enum(['ok', 'warning', 'critical', 'exceeded']);
export type BudgetLevel = z.infer<typeof BudgetLevel>;

const repoName = z
  .string()
  .trim()
  .regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name')
  .max(200);

export const BudgetInput = z
  .object({
    id: id.optional(),
    name: z.string().trim().min(1, 'name is empty').max(120),
    metric: BudgetMetric,
    period: BudgetPeriod,
    cap: z.number().positive('cap must be above 0').max(1e12),
    category: BudgetCategory.default('openai'),
    repository: repoName.nullable().default(null),
    warnPct: z.number().int().min(1).max(100).default(80),
    criticalPct: z.number().int().min(1).max(100).default(95),
    /** Refuse and pause paid work at the cap; off: only alert. */
    enforce: z.boolean().default(true),
    enabled: z.boolean().default(true),
  })
  .superRefine((b, ctx) => {
    if ((b.metric === 'github_points') !== (b.category === 'github')) ctx.addIssue({ code: 'custom', path: ['category'], message: 'GitHub points budgets use the github category, dollar and token budgets an OpenAI one' });
    if (b.warnPct >= b.criticalPct) ctx.addIssue({ code: 'custom', path: ['warnPct'], message: 'the warning threshold must be below the critical one' });
  });
export type BudgetInput = z.input<typeof BudgetInput>;

export const Budget = z.object({
  id,
  name: z.string(),
  metric: BudgetMetric,
  period: BudgetPeriod,
  cap: z.number(),
  category: BudgetCategory,
  repository: z.string().nullable(),
  warnPct: z.number(),
  criticalPct: z.number(),
  enforce: z.boolean(),
  enabled: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Budget = z.infer<typeof Budget>;

export const BudgetStatus = Budget.extend({
  /** Spent in the current window (for `job`: the largest run of the last 30 days). */
  used: z.number(),
  remaining: z.number(),
  /** used / cap (1 = at the cap). */
  utilisation: z.number(),
  level: BudgetLevel,
  windowStart: isoTime.nullable(),
});
export type BudgetStatus = z.infer<typeof BudgetStatus>;

export const CostGroupBy = z.enum(['day', 'month', 'category', 'repository', 'job', 'model']);
export const CostRow = z.object({ key: z.string(), usd: z.number(), inputTokens: z.number(), outputTokens: z.number(), points: z.number(), requests: z.number(), items: z.number(), runs: z.number() });
export type CostRow = z.infer<typeof CostRow>;

const range = { from: isoTime.optional(), to: isoTime.optional(), category: CostCategory.optional(), repository: z.string().max(200).optional() };

export const DailySpend = z.object({
  month: z.string(),
  days: z.array(z.object({ date: z.string(), usd: z.number() })),
  monthToDate: z.number(),
  /** Month-to-date plus the average of the last 7 days for every remaining day. */
  forecast: z.number(),
  daysInMonth: z.number(),
});
export type DailySpend = z.infer<typeof DailySpend>;

export const BudgetReport = z.object({
  generatedAt: isoTime,
  yesterday: z.number(),
  today: z.number(),
  monthToDate: z.number(),
  forecast: z.number(),
  byCategory: z.array(CostRow),
  budgets: z.array(BudgetStatus),
  text: z.string(),
});
export type BudgetReport = z.infer<typeof BudgetReport>;

export const AuditEntry = z.object({ id: z.number(), at: isoTime, actor: z.string(), action: z.string(), subject: z.string(), details: z.record(z.string(), z.unknown()) });

/** Start a paid job over a budget anyway: recorded in the audit log with this reason. */
export const BudgetOverride = z.object({ reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500) });
export type BudgetOverride = z.infer<typeof BudgetOverride>;

export const costCalls = {
  'costs.summary': call('The cost ledger grouped by day, month, category, repository, job or model', z.object({ by: CostGroupBy.default('day'), ...range }).default({ by: 'day' }), z.array(CostRow)),
  'costs.daily': call('Daily spend of one month (UTC) with month-to-date and a forecast to month end', z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM').optional(), category: CostCategory.optional() }).default({}), DailySpend),
  'costs.export': call('The ledger entries as CSV', z.object({ ...range }).default({}), z.object({ filename: z.string(), csv: z.string(), rows: z.number() })),
  'costs.report': call('The daily budget report (yesterday, today, month to date, forecast, budgets)', noInput, BudgetReport),
  'costs.sendReport': call('Queue the budget report job, sent to the given channels (or those routed for P4)', z.object({ channels: z.array(id).optional() }).default({}), z.object({ runId: id })),
  'budgets.list': call('Every budget with its utilisation now', noInput, z.array(BudgetStatus)),
  'budgets.save': call('Create or change a budget (audited)', BudgetInput, Budget),
  'budgets.delete': call('Remove a budget (audited)', z.object({ id }), ok),
  'budgets.applyRunbookPresets': call("The Leaderboard runbook's budgets: $50/month, $10/day, $5/job for OpenAI, warnings at 80%, critical at 95%", noInput, z.array(Budget)),
  'audit.list': call('The audit log, newest first', z.object({ action: z.string().max(100).optional(), limit: z.number().int().min(1).max(1000).default(200) }).default({ limit: 200 }), z.array(AuditEntry)),
};
