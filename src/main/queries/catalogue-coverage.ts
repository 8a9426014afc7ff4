// Backfill verification: aggressive-backfill-guide.md's SQL, with 'repo-id' bound as $1::uuid.
import type { CatalogueQuery, QueryParam } from './types.ts';

export const REPOSITORY: QueryParam = { name: 'repository', type: 'repository', label: 'Repository' };
/** Statement timeout for checks that read a repository's whole slice of the big tables. */
export const HEAVY_TIMEOUT_MS = 10_000;
const GUIDE = 'aggressive-backfill-guide.md';

export const coverageQueries: CatalogueQuery[] = [
  {
    id: 'backfill-1-coverage',
    title: 'Overall data coverage',
    group: 'coverage',
    description: 'PRs, issues and distinct PR authors stored for the repository. Compare with GitHub after a backfill.',
    source: `${GUIDE} § SQL Verification Queries, query 1 (verbatim; 'repo-id' → $1::uuid)`,
    params: [REPOSITORY],
    sql: `SELECT
  (SELECT COUNT(*) FROM pull_requests WHERE repository_id = $1::uuid) as prs,
  (SELECT COUNT(*) FROM issues WHERE repository_id = $1::uuid) as issues,
  (SELECT COUNT(*) FROM contributors
   WHERE id IN (
     SELECT DISTINCT author_id FROM pull_requests WHERE repository_id = $1::uuid
   )) as contributors;`,
  },
  {
    id: 'backfill-2-embedding-coverage',
    title: 'Embedding coverage',
    group: 'coverage',
    description: 'PRs and issues with an embedding, of all stored, with the percentage. Coverage is empty (NULL) when the repository has no items of a type.',
    source: `${GUIDE} § SQL Verification Queries, query 2 ('repo-id' → $1::uuid; COUNT(*) wrapped in NULLIF(…, 0): the verbatim query fails with "division by zero" for a repository without issues)`,
    params: [REPOSITORY],
    sql: `SELECT
  'PRs' as item_type,
  COUNT(CASE WHEN embedding IS NOT NULL THEN 1 END) as with_embeddings,
  COUNT(*) as total,
  ROUND(100.0 * COUNT(CASE WHEN embedding IS NOT NULL THEN 1 END) / NULLIF(COUNT(*), 0), 2) as coverage
FROM pull_requests
WHERE repository_id = $1::uuid
UNION ALL
SELECT
  'Issues' as item_type,
  COUNT(CASE WHEN embedding IS NOT NULL THEN 1 END),
  COUNT(*),
  ROUND(100.0 * COUNT(CASE WHEN embedding IS NOT NULL THEN 1 END) / NULLIF(COUNT(*), 0), 2)
FROM issues
WHERE repository_id = $1::uuid;`,
  },
  {
    id: 'backfill-3-recent-activity',
    title: 'Recent activity',
    group: 'coverage',
    description: 'Creation time of the newest stored PR and issue: a stale value means the sync did not reach recent data.',
    source: `${GUIDE} § SQL Verification Queries, query 3 (verbatim; 'repo-id' → $1::uuid)`,
    params: [REPOSITORY],
    sql: `SELECT
  'PRs' as type,
  MAX(created_at) as most_recent
FROM pull_requests
WHERE repository_id = $1::uuid
UNION ALL
SELECT
  'Issues',
  MAX(created_at)
FROM issues
WHERE repository_id = $1::uuid;`,
  },
  {
    id: 'backfill-4-data-quality',
    title: 'Data quality: null authors',
    group: 'coverage',
    description: 'PRs and issues stored without an author. GitHub shows deleted accounts as "ghost"; a null here means the author was not linked.',
    source: `${GUIDE} § SQL Verification Queries, query 4 (verbatim; 'repo-id' → $1::uuid)`,
    params: [REPOSITORY],
    sql: `SELECT
  'PRs with null author' as issue,
  COUNT(*) as count
FROM pull_requests
WHERE repository_id = $1::uuid AND author_id IS NULL
UNION ALL
SELECT
  'Issues with null author',
  COUNT(*)
FROM issues
WHERE repository_id = $1::uuid AND author_id IS NULL;`,
  },
  {
    id: 'repository-lookup',
    title: 'Find a repository',
    group: 'coverage',
    description: 'The repository row (and its id, for the other checks) by owner and name, case-insensitively as GitHub matches them.',
    source: `${GUIDE} § Troubleshooting › Script Fails Immediately › "Verify repository exists" (owner/name bound as $1/$2, compared case-insensitively; last_synced_at added)`,
    params: [
      { name: 'owner', type: 'text', label: 'Owner' },
      { name: 'name', type: 'text', label: 'Repository name' },
    ],
    sql: `SELECT id, owner, name, full_name, last_synced_at
FROM repositories
WHERE lower(owner) = lower($1) AND lower(name) = lower($2);`,
  },
  {
    id: 'coverage-detail',
    title: 'Stored rows per table',
    group: 'coverage',
    description: 'Everything stored for the repository: PRs, issues, reviews, both comment types, changed files and everyone active in it.',
    source: `${GUIDE} § Verification Checklist ("PR count matches GitHub", "Issue count matches GitHub", "Contributors list is complete")`,
    // Reads the repository's whole slice of the big tables: more room than the 2 s default.
    timeoutMs: HEAVY_TIMEOUT_MS,
    params: [REPOSITORY],
    sql: `WITH comment_counts AS (
  SELECT count(*) FILTER (WHERE comment_type = 'issue_comment') AS issue_comments,
         count(*) FILTER (WHERE comment_type = 'review_comment') AS review_comments
  FROM comments WHERE repository_id = $1::uuid
)
SELECT counts.stored, counts.count
FROM comment_counts, LATERAL (VALUES
  (1, 'pull_requests', (SELECT count(*) FROM pull_requests WHERE repository_id = $1::uuid)),
  (2, 'issues', (SELECT count(*) FROM issues WHERE repository_id = $1::uuid)),
  (3, 'reviews', (SELECT count(*) FROM reviews WHERE repository_id = $1::uuid)),
  (4, 'comments (issue_comment)', comment_counts.issue_comments),
  (5, 'comments (review_comment)', comment_counts.review_comments),
  (6, 'pr_files', (SELECT count(*) FROM pr_files f JOIN pull_requests p ON p.id = f.pull_request_id WHERE p.repository_id = $1::uuid)),
  (7, 'contributors (any activity)', (SELECT count(*) FROM (
     SELECT author_id AS id FROM pull_requests WHERE repository_id = $1::uuid
     UNION SELECT author_id FROM issues WHERE repository_id = $1::uuid
     UNION SELECT reviewer_id FROM reviews WHERE repository_id = $1::uuid
     UNION SELECT commenter_id FROM comments WHERE repository_id = $1::uuid
   ) people WHERE id IS NOT NULL))
) AS counts(ord, stored, count)
ORDER BY counts.ord;`,
  },
  {
    id: 'coverage-vs-github',
    title: 'Stored counts vs GitHub at the last sync',
    group: 'coverage',
    description: "GitHub's own PR and issue counts recorded by the last reconciled sync run, next to what that run stored and what is stored now. Range runs count only their window.",
    source: `${GUIDE} § Verification Checklist ("PR count matches GitHub", "Issue count matches GitHub"), using sync_runs.reconciliation`,
    params: [REPOSITORY],
    sql: `WITH last AS (
  SELECT mode, status, finished_at, reconciliation
  FROM sync_runs
  WHERE repository_id = $1::uuid AND reconciliation IS NOT NULL
  ORDER BY started_at DESC
  LIMIT 1
)
SELECT t.item_type,
       (last.reconciliation -> t.key ->> 'github')::int AS github_at_last_sync,
       (last.reconciliation -> t.key ->> 'stored')::int AS stored_at_last_sync,
       CASE t.key
         WHEN 'pullRequests' THEN (SELECT count(*) FROM pull_requests WHERE repository_id = $1::uuid)
         ELSE (SELECT count(*) FROM issues WHERE repository_id = $1::uuid)
       END AS stored_now,
       last.mode AS sync_mode,
       last.reconciliation #>> '{window,since}' AS window_since,
       last.reconciliation #>> '{window,until}' AS window_until,
       last.status AS sync_status,
       last.finished_at AS synced_at
FROM (VALUES (1, 'PRs', 'pullRequests'), (2, 'Issues', 'issues')) AS t(ord, item_type, key)
LEFT JOIN last ON true
ORDER BY t.ord;`,
  },
  {
    id: 'warehouse-totals',
    title: 'Warehouse totals',
    group: 'coverage',
    description: 'Rows in each main table across all repositories.',
    source: 'contributor-leaderboard-operations.md § Monitoring & Alerts › Grafana Dashboard ("Leaderboard Stats: Total contributors, repos, events")',
    params: [],
    sql: `SELECT
  (SELECT count(*) FROM repositories) AS repositories,
  (SELECT count(*) FROM contributors) AS contributors,
  (SELECT count(*) FROM pull_requests) AS pull_requests,
  (SELECT count(*) FROM issues) AS issues,
  (SELECT count(*) FROM reviews) AS reviews,
  (SELECT count(*) FROM comments) AS comments,
  (SELECT count(*) FROM pr_files) AS pr_files,
  (SELECT count(*) FROM workspaces) AS workspaces;`,
  },
];
