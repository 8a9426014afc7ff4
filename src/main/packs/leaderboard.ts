// The Contributor Leaderboard's runbook: scrape job outcomes, stale repositories, budget
// utilisation (80/95 %), failed jobs, weekly VACUUM ANALYZE, retention (audit logs 90 d, cost
// records 365 d) and the runbook's indexes — all discovered from the system's own tables.
import { OpsError } from '../../shared/errors.ts';
import { quoteIdent } from '../warehouse/identifiers.ts';
import { intParam, outcome, pct } from './outcome.ts';
import { createIndexAction, indexesCheck, type IndexSpec } from './runbook-indexes.ts';
import { shown, type SystemDb } from './system-db.ts';
import type { Pack } from './types.ts';

async function scrapeJobs(db: SystemDb) {
  const cols = await db.table('scrape_jobs');
  const status = await db.requireColumn('scrape_jobs', ['status', 'state']);
  const created = await db.requireColumn('scrape_jobs', ['created_at', 'started_at', 'queued_at']);
  const start = cols.has('started_at') ? 'started_at' : null;
  const end = await db.column('scrape_jobs', ['completed_at', 'finished_at']);
  return { status, created, start, end };
}

const VACUUM_TABLES = ['contribution_events', 'repository_leaderboards', 'scrape_windows', 'cost_records'];

export const INDEXES: IndexSpec[] = [
  { name: 'idx_repo_lb_repo_score', table: 'repository_leaderboards', columns: ['repository_id', 'total_score DESC'] },
  { name: 'idx_contribution_events_repo_timestamp', table: 'contribution_events', columns: ['repository_id', 'event_timestamp DESC'] },
  { name: 'idx_scrape_windows_latest', table: 'scrape_windows', columns: ['repository_id', 'data_end_date DESC'] },
];

async function costColumn(db: SystemDb): Promise<{ amount: string; at: string }> {
  const amount = await db.requireColumn('cost_records', ['cost_usd', 'amount_usd', 'cost', 'amount', 'estimated_cost']);
  const at = await db.requireColumn('cost_records', ['created_at', 'recorded_at', 'timestamp']);
  return { amount, at };
}

async function staleSql(db: SystemDb): Promise<string> {
  const repoCols = await db.table('repositories');
  const name = ['full_name', 'name'].find((c) => repoCols.has(c)) ?? 'id';
  const last = ['last_scraped_at', 'last_scrape_at', 'scraped_at'].find((c) => repoCols.has(c));
  if (last) return `SELECT r.id, r.${quoteIdent(name)} AS repository, r.${quoteIdent(last)} AS last_scraped_at FROM ${db.t('repositories')} r WHERE r.${quoteIdent(last)} IS NULL OR r.${quoteIdent(last)} < now() - interval '24 hours' ORDER BY r.${quoteIdent(last)} NULLS FIRST`;
  const j = await scrapeJobs(db);
  const done = j.end ?? j.created;
  return `SELECT r.id, r.${quoteIdent(name)} AS repository, max(j.${quoteIdent(done)}) AS last_scraped_at FROM ${db.t('repositories')} r LEFT JOIN ${db.t('scrape_jobs')} j ON j.repository_id = r.id AND j.${quoteIdent(j.status)} IN ('completed', 'succeeded', 'success') GROUP BY r.id, r.${quoteIdent(name)} HAVING max(j.${quoteIdent(done)}) IS NULL OR max(j.${quoteIdent(done)}) < now() - interval '24 hours' ORDER BY 3 NULLS FIRST`;
}

export const leaderboardPack: Pack = {
  kind: 'leaderboard',
  signature: ['contribution_events', 'repository_leaderboards', 'scrape_windows', 'scrape_jobs', 'cost_records', 'audit_logs'],
  checks: [
    {
      id: 'scrape-jobs',
      title: 'Scrape jobs (24 h): outcomes and durations',
      health: true,
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const j = await scrapeJobs(db);
        const dur = j.start && j.end ? `round(avg(extract(epoch FROM (${quoteIdent(j.end)} - ${quoteIdent(j.start)})))::numeric, 1)` : 'NULL';
        const max = j.start && j.end ? `round(max(extract(epoch FROM (${quoteIdent(j.end)} - ${quoteIdent(j.start)})))::numeric, 1)` : 'NULL';
        const sql = `SELECT ${quoteIdent(j.status)} AS status, count(*)::int AS jobs, ${dur}::float AS avg_seconds, ${max}::float AS max_seconds, count(*) FILTER (WHERE ${quoteIdent(j.created)} > now() - interval '1 hour')::int AS last_hour FROM ${db.t('scrape_jobs')} WHERE ${quoteIdent(j.created)} > now() - interval '24 hours' GROUP BY 1 ORDER BY 2 DESC`;
        const rows = await db.query<{ status: string; jobs: number; last_hour: number }>(sql, [], ctx.signal);
        const failed = rows.filter((r) => /fail|error/i.test(r.status));
        const failedHour = failed.reduce((a, r) => a + r.last_hour, 0);
        const total = rows.reduce((a, r) => a + r.jobs, 0);
        // The runbook's alert: more than 3 failed scrape jobs within an hour.
        const status = failedHour > 3 ? 'degraded' : 'healthy';
        return outcome(status, `${total} jobs in 24 h, ${failed.reduce((a, r) => a + r.jobs, 0)} failed (${failedHour} in the last hour${failedHour > 3 ? ' > 3' : ''})`, sql, rows);
      },
    },
    {
      id: 'stale-repositories',
      title: 'Stale repositories (not scraped in 24 h)',
      health: true,
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const sql = await staleSql(db);
        const rows = await db.query(sql, [], ctx.signal);
        return outcome(rows.length ? 'degraded' : 'healthy', rows.length ? `${rows.length} repositories not scraped in 24 h` : 'Every repository scraped within 24 h', sql, rows.slice(0, 200));
      },
    },
    {
      id: 'budget',
      title: 'Budget utilisation (80 % warning, 95 % critical)',
      health: true,
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const c = await costColumn(db);
        const sql = `SELECT coalesce(sum(${quoteIdent(c.amount)}) FILTER (WHERE ${quoteIdent(c.at)} >= date_trunc('day', now())), 0)::float AS today_usd, coalesce(sum(${quoteIdent(c.amount)}) FILTER (WHERE ${quoteIdent(c.at)} >= date_trunc('month', now())), 0)::float AS month_usd FROM ${db.t('cost_records')}`;
        const [r] = await db.query<{ today_usd: number; month_usd: number }>(sql, [], ctx.signal);
        const q = ctx.system.quotas;
        const daily = r!.today_usd / q.dailyBudgetUsd;
        const monthly = r!.month_usd / q.monthlyBudgetUsd;
        const worst = Math.max(daily, monthly);
        const status = worst > 0.95 ? 'down' : worst > 0.8 ? 'degraded' : 'healthy';
        const rows = [
          { period: 'daily', spent_usd: r!.today_usd, budget_usd: q.dailyBudgetUsd, utilisation: pct(daily) },
          { period: 'monthly', spent_usd: r!.month_usd, budget_usd: q.monthlyBudgetUsd, utilisation: pct(monthly) },
        ];
        return outcome(status, `Daily ${pct(daily)} of $${q.dailyBudgetUsd}, monthly ${pct(monthly)} of $${q.monthlyBudgetUsd}`, sql, rows);
      },
    },
    {
      id: 'failed-jobs',
      title: 'Failed jobs to review',
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const j = await scrapeJobs(db);
        const err = await db.column('scrape_jobs', ['error_message', 'error', 'last_error', 'failure_reason']);
        const sql = `SELECT id, repository_id, ${quoteIdent(j.status)} AS status, ${quoteIdent(j.created)} AS created_at${err ? `, ${quoteIdent(err)} AS error` : ''} FROM ${db.t('scrape_jobs')} WHERE ${quoteIdent(j.status)} IN ('failed', 'error') ORDER BY ${quoteIdent(j.created)} DESC LIMIT 100`;
        const rows = await db.query(sql, [], ctx.signal);
        return outcome(rows.length ? 'degraded' : 'healthy', `${rows.length} failed jobs${rows.length === 100 ? ' (latest 100)' : ''}`, sql, rows);
      },
    },
    indexesCheck(INDEXES),
  ],
  actions: [
    {
      id: 'vacuum-analyze',
      title: 'VACUUM ANALYZE the event and leaderboard tables',
      description: "The runbook's weekly maintenance, on the tables this database has.",
      params: {},
      destructive: false,
      async plan(ctx) {
        const db = await ctx.db();
        const cat = await db.catalog(ctx.signal);
        const present = VACUUM_TABLES.filter((t) => cat.tables.has(t));
        if (!present.length) throw new OpsError('not_found', `None of ${VACUUM_TABLES.join(', ')} exists in schema "${db.schema}".`);
        const statements = present.map((t) => ({ sql: `VACUUM ANALYZE ${db.t(t)}` }));
        return { operations: statements.map((s) => s.sql), impact: `${present.length} tables`, execute: async () => (await db.write(statements), { summary: `Vacuumed and analysed ${present.join(', ')}`, affected: null }) };
      },
    },
    {
      id: 'retention',
      title: 'Retention: audit logs older than 90 days, cost records older than 365 days',
      description: 'Deletes what the runbook says to delete; the preview counts the rows first.',
      params: { auditDays: 'days of audit logs to keep (default 90)', costDays: 'days of cost records to keep (default 365)' },
      destructive: true,
      async plan(ctx, params) {
        const db = await ctx.db();
        const auditDays = intParam(params, 'auditDays', 90, 1, 36500);
        const costDays = intParam(params, 'costDays', 365, 1, 36500);
        const auditAt = await db.requireColumn('audit_logs', ['timestamp', 'created_at', 'logged_at']);
        const costAt = (await costColumn(db)).at;
        const statements = [
          { sql: `DELETE FROM ${db.t('audit_logs')} WHERE ${quoteIdent(auditAt)} < now() - make_interval(days => $1)`, params: [auditDays] },
          { sql: `DELETE FROM ${db.t('cost_records')} WHERE ${quoteIdent(costAt)} < now() - make_interval(days => $1)`, params: [costDays] },
        ];
        const counts = await db.read(async (q) => [
          (await q<{ n: number }>(statements[0]!.sql.replace(/^DELETE FROM/, 'SELECT count(*)::int AS n FROM'), [auditDays]))[0]!.n,
          (await q<{ n: number }>(statements[1]!.sql.replace(/^DELETE FROM/, 'SELECT count(*)::int AS n FROM'), [costDays]))[0]!.n,
        ], ctx.signal);
        return {
          operations: statements.map((s) => shown(s.sql, s.params)),
          impact: `Would delete ${counts[0]} audit log rows and ${counts[1]} cost records (dry-run count)`,
          execute: async () => {
            const affected = await db.write(statements);
            return { summary: `Deleted ${affected} rows (audit logs > ${auditDays} d, cost records > ${costDays} d)`, affected };
          },
        };
      },
    },
    createIndexAction(INDEXES),
  ],
};
