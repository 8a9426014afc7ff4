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
-- Each repository's people made distinct first (hashed: no sort of every row), then counted
-- distinct per workspace over those few.
repo_people AS (
  SELECT DISTINCT x.repository_id, x.person FROM (
    SELECT p.repository_id, p.author_id AS person FROM pull_requests p WHERE p.repository_id IN (SELECT repository_id FROM repos)
    UNION ALL SELECT i.repository_id, i.author_id FROM issues i WHERE i.repository_id IN (SELECT repository_id FROM repos)
    UNION ALL SELECT v.repository_id, v.reviewer_id FROM reviews v WHERE v.repository_id IN (SELECT repository_id FROM repos)
    UNION ALL SELECT c.repository_id, c.commenter_id FROM comments c WHERE c.repository_id IN (SELECT repository_id FROM repos)
  ) x WHERE x.person IS NOT NULL
),
people AS (SELECT r.workspace_id, count(DISTINCT rp.person) AS n FROM repos r JOIN repo_people rp USING (repository_id) GROUP BY 1),
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
