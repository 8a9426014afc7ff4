import type pg from 'pg';
import type { CostCategory, CostRow, DailySpend } from '../../shared/contract/costs.ts';
import { OpsError } from '../../shared/errors.ts';

/** What one unit of paid work spent, as its writer commits it. */
export interface CostEntry {
  category: CostCategory;
  model?: string | null;
  runId?: string | null;
  jobKind?: string | null;
  repositoryId?: string | null;
  /** owner/name, kept even after the repository is untracked. */
  repository?: string | null;
  requests?: number;
  inputTokens?: number;
  outputTokens?: number;
  points?: number;
  items?: number;
  usd?: number;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

const INSERT = `INSERT INTO cost_entries (category, model, run_id, job_kind, repository_id, repository, requests, input_tokens, output_tokens, points, items, usd)
  SELECT x.category, x.model, x.run_id, x.job_kind, x.repository_id, COALESCE(x.repository, r.full_name), x.requests, x.input_tokens, x.output_tokens, x.points, x.items, x.usd
  FROM json_to_recordset($1::json) AS x(category text, model text, run_id uuid, job_kind text, repository_id uuid, repository text, requests int, input_tokens bigint, output_tokens bigint, points int, items int, usd numeric)
  LEFT JOIN repositories r ON r.id = x.repository_id`;

/** Appends entries, inside the caller's transaction when it passes its client (so cost and work commit together). */
export async function recordCosts(db: Queryable, entries: CostEntry[]): Promise<void> {
  const rows = entries
    .filter((e) => (e.usd ?? 0) !== 0 || (e.inputTokens ?? 0) + (e.outputTokens ?? 0) + (e.points ?? 0) + (e.requests ?? 0) > 0)
    .map((e) => ({
      category: e.category,
      model: e.model ?? null,
      run_id: e.runId ?? null,
      job_kind: e.jobKind ?? null,
      repository_id: e.repositoryId ?? null,
      repository: e.repository ?? null,
      requests: e.requests ?? 0,
      input_tokens: e.inputTokens ?? 0,
      output_tokens: e.outputTokens ?? 0,
      points: e.points ?? 0,
      items: e.items ?? 0,
      usd: e.usd ?? 0,
    }));
  if (rows.length) await db.query(INSERT, [JSON.stringify(rows)]);
}

export interface Range {
  from?: string;
  to?: string;
  category?: CostCategory;
  repository?: string;
}

const GROUP_KEYS: Record<string, string> = {
  day: "to_char(date_trunc('day', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')",
  month: "to_char(date_trunc('month', at AT TIME ZONE 'UTC'), 'YYYY-MM')",
  category: 'category',
  repository: "COALESCE(repository, '(all repositories)')",
  job: "COALESCE(job_kind, '?') || ':' || COALESCE(run_id::text, '-')",
  model: "COALESCE(model, '-')",
};

const where = (r: Range) => ({
  sql: 'WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2) AND ($3::text IS NULL OR category = $3) AND ($4::text IS NULL OR lower(repository) = lower($4))',
  params: [r.from ?? null, r.to ?? null, r.category ?? null, r.repository ?? null],
});

export async function summarize(db: Queryable, by: keyof typeof GROUP_KEYS, r: Range): Promise<CostRow[]> {
  const key = GROUP_KEYS[by];
  if (!key) throw new OpsError('invalid_input', `by: unknown grouping "${by}"`);
  const w = where(r);
  const { rows } = await db.query(
    `SELECT ${key} AS key, sum(usd)::float8 AS usd, sum(input_tokens)::float8 AS input_tokens, sum(output_tokens)::float8 AS output_tokens, sum(points)::float8 AS points,
       sum(requests)::float8 AS requests, sum(items)::float8 AS items, count(DISTINCT run_id)::int AS runs
     FROM cost_entries ${w.sql} GROUP BY 1 ORDER BY ${by === 'day' || by === 'month' ? '1 DESC' : 'usd DESC, 1'} LIMIT 5000`,
    w.params,
  );
  return rows.map((x) => ({ key: x.key, usd: round6(x.usd), inputTokens: x.input_tokens, outputTokens: x.output_tokens, points: x.points, requests: x.requests, items: x.items, runs: x.runs }));
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** Daily spend of a UTC month; the forecast extends the last 7 days' average to the month's end. */
export async function dailySpend(db: Queryable, month: string, category: CostCategory | undefined, now = new Date()): Promise<DailySpend> {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 1, 1));
  const end = new Date(Date.UTC(y, m, 1));
  const daysInMonth = Math.round((end.getTime() - start.getTime()) / 86_400_000);
  const { rows } = await db.query(
    `SELECT to_char(date_trunc('day', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS d, sum(usd)::float8 AS usd FROM cost_entries
     WHERE at >= $1 AND at < $2 AND ($3::text IS NULL OR category = $3) GROUP BY 1`,
    [start, end, category ?? null],
  );
  const byDay = new Map(rows.map((r) => [r.d as string, r.usd as number]));
  const days = Array.from({ length: daysInMonth }, (_, i) => {
    const date = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    return { date, usd: round6(byDay.get(date) ?? 0) };
  });
  const monthToDate = round6(days.reduce((s, d) => s + d.usd, 0));
  let forecast = monthToDate;
  if (now >= start && now < end) {
    const today = Math.floor((now.getTime() - start.getTime()) / 86_400_000); // index of today
    const last7 = days.slice(Math.max(0, today - 6), today + 1);
    // Today is partial: count the elapsed fraction of it.
    const elapsedDays = last7.length - 1 + ((now.getTime() - start.getTime()) % 86_400_000) / 86_400_000;
    const perDay = elapsedDays > 0 ? last7.reduce((s, d) => s + d.usd, 0) / elapsedDays : 0;
    const remaining = daysInMonth - (today + ((now.getTime() - start.getTime()) % 86_400_000) / 86_400_000);
    forecast = round6(monthToDate + perDay * remaining);
  }
  return { month, days, monthToDate, forecast, daysInMonth };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${(/^[=+\-@\t]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"` : s;
};

export async function exportCsv(db: Queryable, r: Range): Promise<{ csv: string; rows: number }> {
  const w = where(r);
  const { rows } = await db.query(
    `SELECT at, category, model, run_id, job_kind, repository, requests, input_tokens, output_tokens, points, items, usd::float8 AS usd FROM cost_entries ${w.sql} ORDER BY at, id LIMIT 1000000`,
    w.params,
  );
  const head = ['at', 'category', 'model', 'run_id', 'job_kind', 'repository', 'requests', 'input_tokens', 'output_tokens', 'points', 'items', 'usd'];
  const lines = [head.join(','), ...rows.map((x) => head.map((h) => csvCell(x[h])).join(','))];
  return { csv: lines.join('\n') + '\n', rows: rows.length };
}
