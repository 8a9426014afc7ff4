import type pg from 'pg';
import type { Budget } from '../../shared/contract/costs.ts';
import { OpsError } from '../../shared/errors.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

interface Row {
  id: string;
  name: string;
  metric: Budget['metric'];
  period: Budget['period'];
  cap: string;
  category: Budget['category'];
  repository: string | null;
  warn_pct: number;
  critical_pct: number;
  enforce: boolean;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const toBudget = (r: Row): Budget => ({
  id: r.id,
  name: r.name,
  metric: r.metric,
  period: r.period,
  cap: Number(r.cap),
  category: r.category,
  repository: r.repository,
  warnPct: r.warn_pct,
  criticalPct: r.critical_pct,
  enforce: r.enforce,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function listBudgets(db: Queryable): Promise<Budget[]> {
  const { rows } = await db.query('SELECT * FROM budgets ORDER BY category, period, repository NULLS FIRST, name');
  return (rows as Row[]).map(toBudget);
}

export async function saveBudget(db: Queryable, b: Omit<Budget, 'id' | 'createdAt' | 'updatedAt'> & { id?: string }): Promise<Budget> {
  const values = [b.name, b.metric, b.period, b.cap, b.category, b.repository, b.warnPct, b.criticalPct, b.enforce, b.enabled];
  if (b.id) {
    const { rows } = await db.query(
      `UPDATE budgets SET name = $2, metric = $3, period = $4, cap = $5, category = $6, repository = $7, warn_pct = $8, critical_pct = $9, enforce = $10, enabled = $11, updated_at = now()
       WHERE id::text = $1 RETURNING *`,
      [b.id, ...values],
    );
    if (!rows[0]) throw new OpsError('not_found', `No budget with id ${b.id}`);
    return toBudget(rows[0]);
  }
  const { rows } = await db.query('INSERT INTO budgets (name, metric, period, cap, category, repository, warn_pct, critical_pct, enforce, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *', values);
  return toBudget(rows[0]);
}

export async function deleteBudget(db: Queryable, id: string): Promise<Budget> {
  const { rows } = await db.query('DELETE FROM budgets WHERE id::text = $1 RETURNING *', [id]);
  if (!rows[0]) throw new OpsError('not_found', `No budget with id ${id}`);
  return toBudget(rows[0]);
}


/** Start of each budget window now (UTC calendar days and months, a rolling hour). */
export function windowStarts(now = new Date()): { month: Date; day: Date; hour: Date } {
  return {
    month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    day: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
    hour: new Date(now.getTime() - 3_600_000),
  };
}

const METRIC = "CASE b.metric WHEN 'usd' THEN e.usd WHEN 'tokens' THEN (e.input_tokens + e.output_tokens)::numeric ELSE e.points::numeric END";
const CATEGORY = "(b.category = e.category OR (b.category = 'openai' AND e.category IN ('embeddings', 'llm')))";
/** Window start by period; `$n` … `$n+2` are the month, day and hour starts. */
const windowSql = (n: number) => `e.at >= CASE b.period WHEN 'month' THEN $${n}::timestamptz WHEN 'day' THEN $${n + 1}::timestamptz WHEN 'hour' THEN $${n + 2}::timestamptz ELSE '-infinity'::timestamptz END`;

/**
 * Usage of the given budgets in their current windows: `others` spent by every run but `runId`,
 * `mine` by `runId` (for `job` budgets only `mine` counts).
 */
export async function budgetUsage(db: Queryable, ids: string[], runId: string | null, now = new Date()): Promise<Map<string, { others: number; mine: number }>> {
  if (!ids.length) return new Map();
  const w = windowStarts(now);
  const { rows } = await db.query(
    `SELECT b.id::text AS id,
       COALESCE(sum(e.v) FILTER (WHERE e.run_id IS DISTINCT FROM $5::uuid), 0)::float8 AS others,
       COALESCE(sum(e.v) FILTER (WHERE e.run_id = $5::uuid), 0)::float8 AS mine
     FROM budgets b LEFT JOIN LATERAL (
       SELECT e.run_id, ${METRIC} AS v FROM cost_entries e
       WHERE ${windowSql(2)} AND ${CATEGORY} AND (b.repository IS NULL OR lower(e.repository) = lower(b.repository)) AND (b.period <> 'job' OR e.run_id = $5::uuid)
     ) e ON true
     WHERE b.id::text = ANY($1) GROUP BY b.id`,
    [ids, w.month, w.day, w.hour, runId],
  );
  return new Map(rows.map((r) => [r.id as string, { others: r.others as number, mine: r.mine as number }]));
}

/** Usage for the status view: the window's total, or for `job` budgets the largest run of the last 30 days. */
export async function budgetStatusUsage(db: Queryable, now = new Date()): Promise<Map<string, number>> {
  const w = windowStarts(now);
  const { rows } = await db.query(
    `SELECT b.id::text AS id, CASE WHEN b.period = 'job' THEN COALESCE((
         SELECT max(s) FROM (SELECT sum(${METRIC}) AS s FROM cost_entries e
           WHERE e.at >= $2::timestamptz - interval '29 days' AND ${CATEGORY} AND (b.repository IS NULL OR lower(e.repository) = lower(b.repository)) AND e.run_id IS NOT NULL GROUP BY e.run_id) runs), 0)
       ELSE COALESCE((SELECT sum(${METRIC}) FROM cost_entries e WHERE ${windowSql(1)} AND ${CATEGORY} AND (b.repository IS NULL OR lower(e.repository) = lower(b.repository))), 0) END::float8 AS used
     FROM budgets b`,
    [w.month, w.day, w.hour],
  );
  return new Map(rows.map((r) => [r.id as string, r.used as number]));
}
