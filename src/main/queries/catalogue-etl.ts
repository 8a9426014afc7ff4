// Checks of the Engineer Lens / What Shipped tables (issue: freshness, dense days, window sums,
// ownership shares). Each returns rows only where something is wrong, except the freshness one.
import { HEAVY_TIMEOUT_MS, REPOSITORY } from './catalogue-coverage.ts';
import type { CatalogueQuery } from './types.ts';

const SOURCE = "what-the-repo-runbook.md § Data Processing (engineer_lens_data_processor.py, what_shipped_data_processor.py): the tables' own invariants";
const REPO = '(SELECT full_name FROM repositories WHERE id = $1::uuid)';

export const etlQueries: CatalogueQuery[] = [
  {
    id: 'etl-freshness',
    title: 'Engineer Lens freshness',
    group: 'data-quality',
    description: 'Per table: rows, when it was last refreshed, the windows it covers and the changes it has not consumed yet; plus PRs synced since the last staging. Pending work runs with the next engineer-lens job (after every sync).',
    source: SOURCE,
    params: [REPOSITORY],
    sql: `SELECT s.table_name, s.refreshed_at, s.time_zone, s.start_date, s.end_date,
  (SELECT count(*) FROM etl_changes c WHERE c.repo_name = s.repo_name AND c.seq > s.last_seq AND s.table_name <> 'repo_prs') AS pending_changes,
  CASE WHEN s.table_name = 'repo_prs' THEN (SELECT count(*) FROM pull_requests p WHERE p.repository_id = $1::uuid AND p.synced_at > s.source_watermark) END AS prs_synced_since
FROM etl_state s WHERE s.repo_name = ${REPO} OR s.repo_name = '*'
ORDER BY s.table_name;`,
  },
  {
    id: 'etl-dense-days',
    title: 'Engineer Lens: gaps in daily rows',
    group: 'data-quality',
    description: "Authors whose span (author_metrics_span, over which the author_metrics_daily view generates every day) does not run from their first to their last day with activity (author_metrics_daily_active), or who have active days and no span. Should return no rows.",
    source: SOURCE,
    params: [REPOSITORY],
    timeoutMs: HEAVY_TIMEOUT_MS,
    sql: `SELECT coalesce(a.username, s.username) AS username, a.first_active, a.last_active, s.first_day AS span_first_day, s.last_day AS span_last_day
FROM (SELECT username, min(day) AS first_active, max(day) AS last_active FROM author_metrics_daily_active WHERE repo_name = ${REPO} GROUP BY username) a
FULL JOIN (SELECT * FROM author_metrics_span WHERE repo_name = ${REPO}) s ON s.username = a.username
WHERE (a.first_active, a.last_active) IS DISTINCT FROM (s.first_day, s.last_day)
ORDER BY 1;`,
  },
  {
    id: 'etl-window-sums',
    title: 'Engineer Lens: window sums equal daily sums',
    group: 'data-quality',
    description: 'author_metrics_window rows whose counts differ from the sum of the daily rows between start_date and end_date. Should return no rows.',
    source: SOURCE,
    params: [REPOSITORY],
    timeoutMs: HEAVY_TIMEOUT_MS,
    sql: `SELECT w.username, w.window_days, w.prs_submitted, d.prs_submitted AS daily_submitted, w.prs_merged, d.prs_merged AS daily_merged,
  w.high_risk_prs, d.high_risk_prs AS daily_high_risk, w.lines_changed, d.lines_changed AS daily_lines
FROM author_metrics_window w
LEFT JOIN LATERAL (SELECT coalesce(sum(prs_submitted), 0) AS prs_submitted, coalesce(sum(prs_merged), 0) AS prs_merged, coalesce(sum(high_risk_prs), 0) AS high_risk_prs, coalesce(sum(lines_changed), 0) AS lines_changed
  FROM author_metrics_daily_active x WHERE x.repo_name = w.repo_name AND x.username = w.username AND x.day BETWEEN w.start_date AND w.end_date) d ON true
WHERE w.repo_name = ${REPO}
  AND (w.prs_submitted, w.prs_merged, w.high_risk_prs, w.lines_changed) IS DISTINCT FROM (d.prs_submitted, d.prs_merged, d.high_risk_prs, d.lines_changed)
ORDER BY w.username, w.window_days;`,
  },
  {
    id: 'etl-ownership-shares',
    title: 'Engineer Lens: ownership shares sum to 100%',
    group: 'data-quality',
    description: 'Files whose owners’ shares (author_file_ownership) do not add up to 100% in a window, or whose total_lines disagree between owners. Should return no rows.',
    source: SOURCE,
    params: [REPOSITORY],
    timeoutMs: HEAVY_TIMEOUT_MS,
    sql: `SELECT window_days, file_path, round(sum(ownership_pct)::numeric, 6) AS total_pct, count(*) AS owners, min(total_lines) AS min_total, max(total_lines) AS max_total, sum(author_lines) AS author_lines
FROM author_file_ownership WHERE repo_name = ${REPO}
GROUP BY window_days, file_path
HAVING abs(sum(ownership_pct) - 100) > 0.0001 OR min(total_lines) <> max(total_lines) OR sum(author_lines) <> max(total_lines)
ORDER BY window_days, file_path;`,
  },
  {
    id: 'etl-llm-coverage',
    title: 'What Shipped: LLM summaries and risk',
    group: 'data-quality',
    description: "PRs with a current LLM answer (summary and score for their content now), stale ones (the PR changed since: due on the next --llm run), failed ones, and what the answers cost. Empty answers are normal: the LLM pass is opt-in.",
    source: "what-the-repo-runbook.md § Data Processing (what_shipped_data_processor.py, gpt-4o-mini)",
    params: [REPOSITORY],
    sql: `SELECT rp.repo_name, count(*) AS prs,
  count(l.pr_number) FILTER (WHERE l.current AND l.error IS NULL) AS answered,
  count(l.pr_number) FILTER (WHERE NOT l.current) AS stale,
  count(l.pr_number) FILTER (WHERE l.error IS NOT NULL) AS failed,
  count(*) FILTER (WHERE rp.pr_summary IS NOT NULL) AS with_summary,
  coalesce(sum(l.usd), 0) AS usd_of_stored_answers, max(l.scored_at) AS last_scored_at
FROM repo_prs rp LEFT JOIN etl_pr_llm l ON l.repo_name = rp.repo_name AND l.pr_number = rp.pr_number
WHERE rp.repo_name = ${REPO}
GROUP BY rp.repo_name;`,
  },
  {
    id: 'etl-llm-errors',
    title: 'What Shipped: failed LLM answers',
    group: 'data-quality',
    description: 'PRs whose last LLM answer was malformed or rejected, with the error (retried on the next --llm run). Should return no rows.',
    source: "what-the-repo-runbook.md § Data Processing (what_shipped_data_processor.py, gpt-4o-mini)",
    params: [REPOSITORY],
    sql: `SELECT l.pr_number, l.model, l.error, l.input_tokens, l.output_tokens, l.usd, l.scored_at, l.run_id
FROM etl_pr_llm l WHERE l.repo_name = ${REPO} AND l.error IS NOT NULL
ORDER BY l.scored_at DESC, l.pr_number;`,
  },
];
