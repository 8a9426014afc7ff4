import type pg from 'pg';

export interface WorkspaceTotals {
  id: string;
  name: string;
  totalRepositories: number;
  totalContributors: number;
  totalPullRequests: number;
  totalIssues: number;
  lastAggregatedAt: string;
}

// One set-based statement: every workspace that contains the repository (or every
// workspace) gets its totals recomputed where the data is. Contributors are the
// distinct people who authored a PR, an issue, a review or a comment in it.
const AGGREGATE = `
WITH targets AS (
  SELECT w.id AS workspace_id FROM workspaces w
  WHERE $1::uuid IS NULL OR EXISTS (SELECT 1 FROM workspace_repositories wr WHERE wr.workspace_id = w.id AND wr.repository_id = $1::uuid)
),
repos AS (
  SELECT wr.workspace_id, wr.repository_id FROM workspace_repositories wr JOIN targets t USING (workspace_id)
),
prs AS (SELECT r.workspace_id, count(*) AS n FROM repos r JOIN pull_requests p ON p.repository_id = r.repository_id GROUP BY 1),
iss AS (SELECT r.workspace_id, count(*) AS n FROM repos r JOIN issues i ON i.repository_id = r.repository_id GROUP BY 1),
people AS (
  SELECT x.workspace_id, count(DISTINCT x.person) AS n FROM (
    SELECT r.workspace_id, p.author_id AS person FROM repos r JOIN pull_requests p ON p.repository_id = r.repository_id
    UNION SELECT r.workspace_id, i.author_id FROM repos r JOIN issues i ON i.repository_id = r.repository_id
    UNION SELECT r.workspace_id, v.reviewer_id FROM repos r JOIN reviews v ON v.repository_id = r.repository_id
    UNION SELECT r.workspace_id, c.commenter_id FROM repos r JOIN comments c ON c.repository_id = r.repository_id
  ) x WHERE x.person IS NOT NULL GROUP BY 1
),
nrepos AS (SELECT workspace_id, count(*) AS n FROM repos GROUP BY 1)
UPDATE workspaces w SET
  total_repositories = COALESCE(nr.n, 0),
  total_contributors = COALESCE(pe.n, 0),
  total_pull_requests = COALESCE(pr.n, 0),
  total_issues = COALESCE(i.n, 0),
  last_aggregated_at = now(),
  updated_at = now()
FROM targets t
LEFT JOIN nrepos nr ON nr.workspace_id = t.workspace_id
LEFT JOIN prs pr ON pr.workspace_id = t.workspace_id
LEFT JOIN iss i ON i.workspace_id = t.workspace_id
LEFT JOIN people pe ON pe.workspace_id = t.workspace_id
WHERE w.id = t.workspace_id
RETURNING w.id, w.name, w.total_repositories, w.total_contributors, w.total_pull_requests, w.total_issues, w.last_aggregated_at`;

/** Refreshes the totals the backfill guide's workspace SQL reads. */
export async function aggregateWorkspaces(pool: pg.Pool, repositoryId: string | null): Promise<WorkspaceTotals[]> {
  const { rows } = await pool.query(AGGREGATE, [repositoryId]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    totalRepositories: r.total_repositories,
    totalContributors: r.total_contributors,
    totalPullRequests: r.total_pull_requests,
    totalIssues: r.total_issues,
    lastAggregatedAt: (r.last_aggregated_at as Date).toISOString(),
  }));
}
