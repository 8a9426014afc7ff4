// Activity over time, contributors, and workspace metrics for a repository.
import { HEAVY_TIMEOUT_MS, REPOSITORY } from './catalogue-coverage.ts';
import type { CatalogueQuery } from './types.ts';

export const activityQueries: CatalogueQuery[] = [
  {
    id: 'activity-by-day',
    title: 'Activity per day',
    group: 'activity',
    description: 'PRs opened and merged, issues opened and closed, reviews and comments per day over the period (days without activity are omitted).',
    source: 'aggressive-backfill-guide.md § SQL Verification Queries, query 3 ("Recent activity"), extended to a daily series; time-range idea from § Usage (--time-range 30)',
    params: [REPOSITORY, { name: 'period', type: 'interval', label: 'Period', default: '30 days' }],
    sql: `WITH since AS (SELECT date_trunc('day', now() - $2::interval) AS t)
SELECT day::date AS day,
       sum(prs_opened) AS prs_opened, sum(prs_merged) AS prs_merged,
       sum(issues_opened) AS issues_opened, sum(issues_closed) AS issues_closed,
       sum(reviews) AS reviews, sum(comments) AS comments
FROM (
  SELECT date_trunc('day', created_at) AS day, 1 AS prs_opened, 0 AS prs_merged, 0 AS issues_opened, 0 AS issues_closed, 0 AS reviews, 0 AS comments
  FROM pull_requests WHERE repository_id = $1::uuid AND created_at >= (SELECT t FROM since)
  UNION ALL
  SELECT date_trunc('day', merged_at), 0, 1, 0, 0, 0, 0
  FROM pull_requests WHERE repository_id = $1::uuid AND merged_at >= (SELECT t FROM since)
  UNION ALL
  SELECT date_trunc('day', created_at), 0, 0, 1, 0, 0, 0
  FROM issues WHERE repository_id = $1::uuid AND created_at >= (SELECT t FROM since)
  UNION ALL
  SELECT date_trunc('day', closed_at), 0, 0, 0, 1, 0, 0
  FROM issues WHERE repository_id = $1::uuid AND closed_at >= (SELECT t FROM since)
  UNION ALL
  SELECT date_trunc('day', submitted_at), 0, 0, 0, 0, 1, 0
  FROM reviews WHERE repository_id = $1::uuid AND submitted_at >= (SELECT t FROM since)
  UNION ALL
  SELECT date_trunc('day', created_at), 0, 0, 0, 0, 0, 1
  FROM comments WHERE repository_id = $1::uuid AND created_at >= (SELECT t FROM since)
) events
GROUP BY day
ORDER BY day DESC;`,
  },
  {
    id: 'activity-between-dates',
    title: 'PRs and issues created between two dates',
    group: 'activity',
    description: 'How many PRs and issues were created from one date to another (both inclusive, UTC), and how many of them are merged or still open. Compare with a GitHub search for the same range.',
    source: 'what-the-repo-runbook.md § ETL Pipeline Operations › Data Collection (--since / --until date range)',
    params: [REPOSITORY, { name: 'since', type: 'date', label: 'From (YYYY-MM-DD)' }, { name: 'until', type: 'date', label: 'Until (YYYY-MM-DD)' }],
    sql: `SELECT 'PRs' AS item_type, count(*) AS created, count(*) FILTER (WHERE merged) AS merged, count(*) FILTER (WHERE state = 'open') AS still_open
FROM pull_requests
WHERE repository_id = $1::uuid AND created_at >= $2::date AND created_at < $3::date + 1
UNION ALL
SELECT 'Issues', count(*), NULL, count(*) FILTER (WHERE state = 'open')
FROM issues
WHERE repository_id = $1::uuid AND created_at >= $2::date AND created_at < $3::date + 1;`,
  },
  {
    id: 'contributors-top',
    title: 'Most active contributors',
    group: 'activity',
    description: 'Contributors ranked by PRs, issues, reviews and comments in the repository: a quick check that the contributor list is complete and linked. Only the first "Rows" are listed; contributors_in_repo counts every distinct author, reviewer and commenter (bots included), the same number backfill verification reports.',
    source: 'contributor-leaderboard-operations.md § Database Optimizations (leaderboard by repository and score); aggressive-backfill-guide.md § Verification Checklist ("Contributors list is complete")',
    // Reads the repository's whole slice of the big tables: more room than the 2 s default.
    timeoutMs: HEAVY_TIMEOUT_MS,
    params: [REPOSITORY, { name: 'limit', type: 'int', label: 'Rows', default: 25 }],
    sql: `WITH activity AS (
  SELECT author_id AS contributor_id, 1 AS prs, merged::int AS merged_prs, 0 AS issues, 0 AS reviews, 0 AS comments
  FROM pull_requests WHERE repository_id = $1::uuid
  UNION ALL
  SELECT author_id, 0, 0, 1, 0, 0 FROM issues WHERE repository_id = $1::uuid
  UNION ALL
  SELECT reviewer_id, 0, 0, 0, 1, 0 FROM reviews WHERE repository_id = $1::uuid
  UNION ALL
  SELECT commenter_id, 0, 0, 0, 0, 1 FROM comments WHERE repository_id = $1::uuid
), per_contributor AS (
  SELECT contributor_id, sum(prs) AS prs, sum(merged_prs) AS merged_prs, sum(issues) AS issues, sum(reviews) AS reviews, sum(comments) AS comments
  FROM activity
  WHERE contributor_id IS NOT NULL
  GROUP BY contributor_id
)
SELECT c.username, c.is_bot, p.prs, p.merged_prs, p.issues, p.reviews, p.comments,
       p.prs + p.issues + p.reviews + p.comments AS total,
       (SELECT count(*) FROM per_contributor)::int AS contributors_in_repo
FROM per_contributor p
JOIN contributors c ON c.id = p.contributor_id
ORDER BY total DESC, c.username
LIMIT $2::int;`,
  },
  {
    id: 'workspace-metrics',
    title: 'Workspace metrics',
    group: 'workspaces',
    description: 'Stored totals of every workspace that contains the repository.',
    source: 'aggressive-backfill-guide.md § Step 3: Workspace Aggregation › SQL Verification (verbatim; \'your-repo-id\' → $1::uuid)',
    params: [REPOSITORY],
    sql: `SELECT
  w.name,
  w.total_repositories,
  w.total_contributors,
  w.total_pull_requests,
  w.total_issues
FROM workspaces w
JOIN workspace_repositories wr ON w.id = wr.workspace_id
WHERE wr.repository_id = $1::uuid;`,
  },
  {
    id: 'workspace-metrics-drift',
    title: 'Workspace metrics vs the data',
    group: 'workspaces',
    description:
      'Each stored workspace total next to the same number recomputed from the warehouse, for the workspaces containing the repository. Contributors are the distinct authors of PRs and issues in the workspace. A mismatch means the aggregation is stale.',
    source: 'aggressive-backfill-guide.md § Step 3: Workspace Aggregation ("Updates contributor counts, PR stats, issue stats") and § Verification Checklist ("Workspace metrics are updated")',
    // Reads the repository's whole slice of the big tables: more room than the 2 s default.
    timeoutMs: HEAVY_TIMEOUT_MS,
    params: [REPOSITORY],
    sql: `WITH ws AS (
  SELECT w.* FROM workspaces w
  WHERE w.id IN (SELECT workspace_id FROM workspace_repositories WHERE repository_id = $1::uuid)
), actual AS (
  SELECT ws.id,
         (SELECT count(*) FROM workspace_repositories wr WHERE wr.workspace_id = ws.id) AS repositories,
         (SELECT count(DISTINCT a.author_id) FROM (
            SELECT p.author_id FROM workspace_repositories wr JOIN pull_requests p ON p.repository_id = wr.repository_id WHERE wr.workspace_id = ws.id
            UNION ALL
            SELECT i.author_id FROM workspace_repositories wr JOIN issues i ON i.repository_id = wr.repository_id WHERE wr.workspace_id = ws.id
          ) a) AS contributors,
         (SELECT count(*) FROM workspace_repositories wr JOIN pull_requests p ON p.repository_id = wr.repository_id WHERE wr.workspace_id = ws.id) AS pull_requests,
         (SELECT count(*) FROM workspace_repositories wr JOIN issues i ON i.repository_id = wr.repository_id WHERE wr.workspace_id = ws.id) AS issues
  FROM ws
)
SELECT ws.name AS workspace, m.metric, m.stored, m.actual, m.stored = m.actual AS matches, ws.last_aggregated_at
FROM ws
JOIN actual a ON a.id = ws.id
CROSS JOIN LATERAL (VALUES
  (1, 'repositories', ws.total_repositories::bigint, a.repositories),
  (2, 'contributors', ws.total_contributors::bigint, a.contributors),
  (3, 'pull_requests', ws.total_pull_requests::bigint, a.pull_requests),
  (4, 'issues', ws.total_issues::bigint, a.issues)
) AS m(ord, metric, stored, actual)
ORDER BY ws.name, m.ord;`,
  },
];
