// What the Repo's runbook: its `GET /` health JSON (status + services map), the ETL freshness
// canary on author_metrics_daily (daily ETL at 02:00), query latency against the < 2 s direct
// target measured on a real leaderboard query, and the runbook's indexes.
import type { Status } from '../../shared/status.ts';
import { readHealthBody } from '../health/health-body.ts';
import { quoteIdent } from '../warehouse/identifiers.ts';
import { apiJson } from './http-api.ts';
import { outcome } from './outcome.ts';
import { createIndexAction, indexesCheck, type IndexSpec } from './runbook-indexes.ts';
import type { Pack } from './types.ts';

/** The runbook's "Key Metrics": < 2 s for direct queries. */
export const DIRECT_QUERY_TARGET_MS = 2_000;
/** A daily ETL that last ran more than 26 h ago missed a night. */
export const FRESH_HOURS = 26;

const INDEXES: IndexSpec[] = [
  { name: 'idx_author_metrics_window_username', table: 'author_metrics_window', columns: ['username'] },
  { name: 'idx_author_metrics_window_repo', table: 'author_metrics_window', columns: ['repo_name'] },
  { name: 'idx_repo_prs_created_at', table: 'repo_prs', columns: ['created_at'] },
];

export const whatTheRepoPack: Pack = {
  kind: 'what-the-repo',
  signature: ['authors', 'author_metrics_daily', 'author_metrics_window', 'author_prs_window', 'author_file_ownership', 'repo_prs'],
  checks: [
    {
      id: 'etl-freshness',
      title: 'ETL freshness (author_metrics_daily)',
      health: true,
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const updated = await db.requireColumn('author_metrics_daily', ['updated_at', 'created_at', 'loaded_at']);
        const day = await db.requireColumn('author_metrics_daily', ['date', 'day', 'metric_date', 'activity_date']);
        const sql = `SELECT max(${quoteIdent(updated)}) AS latest_update, round(extract(epoch FROM now() - max(${quoteIdent(updated)})) / 3600, 1)::float AS hours_ago, count(*) FILTER (WHERE ${quoteIdent(day)}::date = current_date - 1)::int AS rows_yesterday FROM ${db.t('author_metrics_daily')}`;
        const [r] = await db.query<{ latest_update: Date | null; hours_ago: number | null; rows_yesterday: number }>(sql, [], ctx.signal);
        const stale = r!.hours_ago === null || r!.hours_ago > FRESH_HOURS;
        const status: Status = r!.latest_update === null ? 'down' : stale || r!.rows_yesterday === 0 ? 'degraded' : 'healthy';
        const summary = r!.latest_update === null ? 'author_metrics_daily is empty' : `Last update ${r!.hours_ago} h ago${stale ? ` (> ${FRESH_HOURS} h: the daily ETL missed a run)` : ''}, ${r!.rows_yesterday} rows for yesterday`;
        return outcome(status, summary, sql, [r!]);
      },
    },
    {
      id: 'query-latency',
      title: 'Query latency (direct < 2 s)',
      health: true,
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const repo = await db.column('author_metrics_window', ['repo_name', 'repository']);
        const user = await db.requireColumn('author_metrics_window', ['username', 'author', 'login']);
        // The app's leaderboard question: top authors of the busiest repository.
        const sql = repo
          ? `SELECT ${quoteIdent(user)} AS username, count(*)::int AS windows FROM ${db.t('author_metrics_window')} WHERE ${quoteIdent(repo)} = (SELECT ${quoteIdent(repo)} FROM ${db.t('author_metrics_window')} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) GROUP BY 1 ORDER BY 2 DESC LIMIT 20`
          : `SELECT ${quoteIdent(user)} AS username, count(*)::int AS windows FROM ${db.t('author_metrics_window')} GROUP BY 1 ORDER BY 2 DESC LIMIT 20`;
        const { ms, rows } = await db.read(async (q) => {
          const t0 = performance.now();
          const rows = await q(sql);
          return { ms: performance.now() - t0, rows };
        }, ctx.signal);
        const status: Status = ms > DIRECT_QUERY_TARGET_MS ? 'degraded' : 'healthy';
        return outcome(status, `${Math.round(ms)} ms for the top-authors query (target < ${DIRECT_QUERY_TARGET_MS} ms), ${rows.length} rows`, sql, [{ latency_ms: Math.round(ms), target_ms: DIRECT_QUERY_TARGET_MS, rows: rows.length }]);
      },
    },
    {
      id: 'app-health',
      title: 'Application health (GET /)',
      needs: 'http',
      async run(ctx) {
        const r = await apiJson(ctx, 'GET', '/');
        const body = readHealthBody(r.json);
        const rows = Object.entries(body.dependencies).map(([service, d]) => ({ service, state: d.text, status: d.status }));
        const bad = rows.filter((x) => x.status !== 'healthy');
        const status: Status = body.status === 'down' || bad.some((x) => x.status === 'down') ? 'down' : bad.length || body.status !== 'healthy' ? 'degraded' : 'healthy';
        return outcome(status, `${body.statusText ?? 'no status'}; ${rows.length - bad.length}/${rows.length} services connected`, `GET ${r.url}`, rows);
      },
    },
    indexesCheck(INDEXES),
  ],
  actions: [
    createIndexAction(INDEXES),
  ],
};
