import type pg from 'pg';
import type { EngineerRow, ShippedPr, ShippedQuery } from '../../shared/contract/etl.ts';
import { LLM_COLUMNS, llmJoin } from './llm/store.ts';
import { tablesOf } from './names.ts';

type Db = Pick<pg.Pool, 'query'>;

const band = (score: number) => (score >= 7 ? 'high' : score > 3 ? 'medium' : 'low') as ShippedPr['riskBand'];
// Bands as the issue gives them: low ≤ 3, medium ≤ 6.9, high ≥ 7.
const BAND_SQL = `CASE WHEN p.risk_score >= 7 THEN 'high' WHEN p.risk_score > 3 THEN 'medium' ELSE 'low' END`;

const toPr = (r: Record<string, unknown>): ShippedPr => ({
  repository: r.repo_name as string,
  number: r.pr_number as number,
  title: r.title as string,
  summary: (r.pr_summary as string | null) ?? null,
  author: r.author as string,
  createdAt: (r.created_at as Date).toISOString(),
  mergedAt: r.merged_at ? (r.merged_at as Date).toISOString() : null,
  additions: r.additions as number,
  deletions: r.deletions as number,
  changedFiles: r.changed_files as number,
  labels: r.labels_full as string[],
  featureRule: r.feature_rule as string,
  featureConfidence: Number(r.feature_confidence),
  riskScore: Number(r.risk_score),
  riskBand: band(Number(r.risk_score)),
  highRisk: r.high_risk as boolean,
  riskReasons: r.risk_reasons as string[],
  topRiskyFiles: r.top_risky_files as ShippedPr['topRiskyFiles'],
  llmRisk:
    r.llm_risk_score === null || r.llm_risk_score === undefined
      ? null
      : { score: Number(r.llm_risk_score), band: band(Number(r.llm_risk_score)), reasons: r.llm_risk_reasons as string[], model: r.llm_model as string, scoredAt: (r.llm_scored_at as Date).toISOString() },
});

/** Authors with their window metrics; over several repositories the counts add up and the rate is recomputed from them. */
export async function engineers(db: Db, schema: string, repository: string | null, window: number, username: string | null = null) {
  const T = tablesOf(schema);
  const { rows } = await db.query(
    `WITH w AS (SELECT * FROM ${T.author_metrics_window} WHERE window_days = $2 AND ($1::text IS NULL OR repo_name = $1) AND ($3::text IS NULL OR username = $3)),
     f AS (SELECT d.username, sum(d.features_merged)::int AS features FROM ${T.author_metrics_daily_active} d JOIN w ON w.username = d.username AND w.repo_name = d.repo_name
           WHERE d.day BETWEEN w.start_date AND w.end_date GROUP BY d.username)
     SELECT w.username, a.display_name, a.avatar_url, array_agg(DISTINCT w.repo_name ORDER BY w.repo_name) AS repos,
       sum(w.prs_submitted)::int AS sub, sum(w.prs_merged)::int AS mer, sum(w.lines_changed)::float8 AS lines, sum(w.high_risk_prs)::int AS hr,
       sum(w.ownership_low_risk_prs)::int AS own, coalesce(max(f.features), 0)::int AS features
     FROM w LEFT JOIN ${T.authors} a ON a.username = w.username LEFT JOIN f ON f.username = w.username
     GROUP BY w.username, a.display_name, a.avatar_url ORDER BY sum(w.prs_merged) DESC, w.username`,
    [repository, window, username],
  );
  return rows.map(
    (r): EngineerRow => ({
      username: r.username,
      displayName: r.display_name ?? null,
      avatarUrl: r.avatar_url ?? null,
      repositories: r.repos,
      prsSubmitted: r.sub,
      prsMerged: r.mer,
      linesChanged: r.lines,
      highRiskPrs: r.hr,
      highRiskRate: r.sub > 0 ? r.hr / r.sub : null,
      featuresMerged: r.features,
      ownershipLowRiskPrs: r.own,
    }),
  );
}

export async function windowInfo(db: Db, schema: string, repository: string | null) {
  const T = tablesOf(schema);
  const { rows } = await db.query(
    `SELECT (SELECT array_agg(DISTINCT repo_name ORDER BY repo_name) FROM ${T.repo_prs}) AS repos,
       (SELECT to_char(max(end_date), 'YYYY-MM-DD') FROM ${T.etl_state} WHERE table_name = 'author_metrics_window' AND ($1::text IS NULL OR repo_name = $1)) AS as_of,
       (SELECT max(time_zone) FROM ${T.etl_state} WHERE table_name = 'author_metrics_window' AND ($1::text IS NULL OR repo_name = $1)) AS tz`,
    [repository],
  );
  return { repositories: (rows[0].repos as string[] | null) ?? [], asOf: rows[0].as_of as string | null, timeZone: rows[0].tz as string | null };
}

export async function authorDetail(db: Db, schema: string, username: string, repository: string | null, window: number) {
  const T = tablesOf(schema);
  const [author] = await engineers(db, schema, repository, window, username);
  const daily = await db.query(
    `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, sum(prs_submitted)::int AS sub, sum(prs_merged)::int AS mer, sum(lines_changed)::float8 AS lines, sum(high_risk_prs)::int AS hr, sum(features_merged)::int AS feat
     FROM ${T.author_metrics_daily} d WHERE d.username = $1 AND ($2::text IS NULL OR d.repo_name = $2) GROUP BY d.day ORDER BY d.day`,
    [username, repository],
  );
  const prs = await db.query(
    `SELECT p.*, ${LLM_COLUMNS} FROM ${T.author_prs_window} w JOIN ${T.repo_prs} p ON p.repo_name = w.repo_name AND p.pr_number = w.pr_number ${llmJoin(schema)}
     WHERE w.username = $1 AND w.window_days = $3 AND ($2::text IS NULL OR w.repo_name = $2) ORDER BY coalesce(p.merged_at, p.created_at) DESC LIMIT 2000`,
    [username, repository, window],
  );
  const files = await db.query(
    `SELECT repo_name, file_path, ownership_pct, author_lines::float8, total_lines::float8, last_touched FROM ${T.author_file_ownership}
     WHERE username = $1 AND window_days = $3 AND ($2::text IS NULL OR repo_name = $2) ORDER BY author_lines DESC, file_path LIMIT 2000`,
    [username, repository, window],
  );
  return {
    author: author ?? null,
    daily: daily.rows.map((r) => ({ day: r.day, prsSubmitted: r.sub, prsMerged: r.mer, linesChanged: r.lines, highRiskPrs: r.hr, featuresMerged: r.feat })),
    prs: prs.rows.map(toPr),
    files: files.rows.map((r) => ({ repository: r.repo_name, path: r.file_path, ownershipPct: r.ownership_pct, authorLines: r.author_lines, totalLines: r.total_lines, lastTouched: (r.last_touched as Date).toISOString() })),
  };
}

/** The PRs the page lists at most (newest first); the summary and the exports always cover every match. */
export const SHIPPED_LIST_LIMIT = 20_000;

/**
 * Merged PRs of a window (by merged date, up to now), filtered. A window of N days is N calendar
 * days in the team's time zone, today included — the Engineers page's windows, so both pages count
 * the same PRs. The summary is aggregated in the warehouse over every PR the filters leave, however
 * many the list shows; `limit` null lists all.
 */
export async function shipped(db: Db, schema: string, q: ShippedQuery, limit: number | null = SHIPPED_LIST_LIMIT, timeZone = 'UTC') {
  const T = tablesOf(schema);
  const since =
    q.window === 999
      ? null
      : ((await db.query(`SELECT (((now() AT TIME ZONE $1)::date - ($2::int - 1))::timestamp AT TIME ZONE $1) AS since`, [timeZone, q.window])).rows[0].since as Date);
  const where = `p.is_merged AND ($2::timestamptz IS NULL OR p.merged_at >= $2::timestamptz)
       AND ($1::text IS NULL OR p.repo_name = $1) AND ($3::text IS NULL OR p.author = $3) AND ($4::text IS NULL OR ${BAND_SQL} = $4)
       AND (NOT $5::boolean OR p.feature_confidence > 0)`;
  const params = [q.repository, since, q.author, q.band, q.featuresOnly];
  const { rows } = await db.query(
    `SELECT p.*, ${LLM_COLUMNS} FROM ${T.repo_prs} p ${llmJoin(schema)} WHERE ${where}
     ORDER BY p.merged_at DESC, p.repo_name, p.pr_number ${limit === null ? '' : `LIMIT ${Math.max(0, Math.floor(limit))}`}`,
    params,
  );
  // One row per (author, band, feature rule): at most a few per author, folded below.
  const groups = await db.query(
    `SELECT p.author, ${BAND_SQL} AS band, p.feature_rule, count(*)::int AS n, count(*) FILTER (WHERE p.feature_confidence > 0)::int AS features,
       coalesce(sum(p.additions + p.deletions), 0)::float8 AS lines
     FROM ${T.repo_prs} p WHERE ${where} GROUP BY 1, 2, 3`,
    params,
  );
  const byAuthor = new Map<string, { prs: number; features: number }>();
  const risk = { low: 0, medium: 0, high: 0 };
  const featureSplit: Record<string, number> = {};
  let merged = 0;
  let features = 0;
  let lines = 0;
  for (const g of groups.rows as { author: string; band: ShippedPr['riskBand']; feature_rule: string; n: number; features: number; lines: number }[]) {
    const a = byAuthor.get(g.author) ?? { prs: 0, features: 0 };
    a.prs += g.n;
    a.features += g.features;
    byAuthor.set(g.author, a);
    risk[g.band] += g.n;
    featureSplit[g.feature_rule] = (featureSplit[g.feature_rule] ?? 0) + g.n;
    merged += g.n;
    features += g.features;
    lines += g.lines;
  }
  const topAuthors = [...byAuthor.entries()].map(([author, v]) => ({ author, ...v })).sort((a, b) => b.prs - a.prs || (a.author < b.author ? -1 : 1)).slice(0, 5);
  return {
    since: since ? since.toISOString() : null,
    timeZone,
    prs: rows.map(toPr),
    truncated: rows.length < merged,
    summary: { merged, features, authors: byAuthor.size, lines, topAuthors, risk, featureSplit },
  };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function shippedCsv(prs: ShippedPr[]): string {
  // risk_score is the rubric's; the LLM's (when a current answer exists) has its own columns.
  const head = ['repository', 'number', 'title', 'author', 'merged_at', 'risk_score', 'risk_band', 'feature_rule', 'feature_confidence', 'additions', 'deletions', 'changed_files', 'top_risky_files', 'pr_summary', 'llm_risk_score', 'llm_model'];
  const lines = prs.map((p) =>
    [p.repository, p.number, p.title, p.author, p.mergedAt, p.riskScore, p.riskBand, p.featureRule, p.featureConfidence, p.additions, p.deletions, p.changedFiles, p.topRiskyFiles.map((f) => f.path).join(' '), p.summary, p.llmRisk?.score, p.llmRisk?.model].map(csvCell).join(','),
  );
  return [head.join(','), ...lines].join('\n') + '\n';
}

/** The calendar day an instant falls on in a time zone (YYYY-MM-DD). */
const localDay = (iso: string, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

const md = (s: string) => s.replace(/([\\`*_[\]|<>])/g, '\\$1');

export function shippedMarkdown(q: ShippedQuery, r: Awaited<ReturnType<typeof shipped>>): string {
  const scope = q.repository ?? 'all repositories';
  const window = r.since === null ? 'all time' : `the last ${q.window} days (since ${localDay(r.since, r.timeZone)}, ${r.timeZone})`;
  const s = r.summary;
  const out = [
    `# What shipped — ${md(scope)}, ${window}`,
    '',
    `${s.merged} merged PRs by ${s.authors} authors (${s.features} features), ${s.lines.toLocaleString('en-US')} lines changed.`,
    `Risk: ${s.risk.high} high, ${s.risk.medium} medium, ${s.risk.low} low.${q.author ? ` Author: ${md(q.author)}.` : ''}${q.band ? ` Band: ${q.band}.` : ''}${q.featuresOnly ? ' Features only.' : ''}`,
    '',
    '## Top authors',
    ...s.topAuthors.map((a) => `- ${md(a.author)}: ${a.prs} PRs, ${a.features} features`),
    '',
    `Feature split: ${Object.entries(s.featureSplit).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`).join(', ') || 'none'}.`,
    '',
  ];
  const features = r.prs.filter((p) => p.featureConfidence > 0);
  const other = r.prs.filter((p) => p.featureConfidence === 0);
  const item = (p: ShippedPr) => `- ${md(p.repository)}#${p.number} ${md(p.title)} — ${md(p.author)}, risk ${p.riskScore.toFixed(1)} (${p.riskBand}${p.llmRisk ? `; LLM ${p.llmRisk.score.toFixed(1)}` : ''})${p.summary ? `: ${md(p.summary)}` : ''}`;
  if (features.length) out.push('## Features', ...features.map(item), '');
  if (other.length) out.push('## Other changes', ...other.map(item), '');
  return out.join('\n');
}
