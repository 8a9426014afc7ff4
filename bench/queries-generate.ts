// Set-based generator for bench/queries-library.ts: a warehouse whose largest table
// (comments) holds exactly 1,000,000 rows, built with generate_series in a few INSERT …
// SELECT statements. One repository ("bench/big") holds 40 % of everything so per-
// repository checks work on a large slice; embeddings of that repository are random
// 1536-dimension vectors (incompressible, stored out of line like real ones).
import type pg from 'pg';

export const SIZES = {
  contributors: 50_000,
  repositories: 50,
  pullRequests: 250_000,
  bigRepoPullRequests: 100_000,
  issues: 150_000,
  bigRepoIssues: 40_000,
  reviews: 500_000,
  reviewComments: 300_000,
  prComments: 350_000,
  issueComments: 350_000,
  filesPerPr: 3,
  dimensions: 1536,
} as const;

const S = SIZES;
// Pseudo-random but repeatable spreads over three years.
const SPAN_S = 3 * 365 * 86_400;

export const GENERATION_STEPS: { name: string; sql: string }[] = [
  {
    name: 'contributors',
    sql: `INSERT INTO contributors (github_id, username, display_name, is_bot, first_seen_at, created_at, updated_at)
SELECT g, 'user' || g, 'User ' || g, g % 100 = 0, now() - interval '3 years', now() - interval '3 years', now()
FROM generate_series(1, ${S.contributors}) g`,
  },
  {
    name: 'repositories',
    sql: `INSERT INTO repositories (github_id, owner, name, full_name, default_branch, created_at, updated_at, last_synced_at)
SELECT g, 'bench', CASE WHEN g = 1 THEN 'big' ELSE 'repo' || g END, 'bench/' || CASE WHEN g = 1 THEN 'big' ELSE 'repo' || g END, 'main',
       now() - interval '4 years', now(), now() - (g || ' hours')::interval
FROM generate_series(1, ${S.repositories}) g`,
  },
  {
    name: 'vector pool',
    sql: `CREATE TABLE bench_vectors AS
SELECT i, (SELECT array_agg(random()::real) FROM generate_series(1, ${S.dimensions}) WHERE i >= 0) AS v
FROM generate_series(0, 999) i`,
  },
  {
    name: 'pull_requests',
    sql: `INSERT INTO pull_requests (github_id, repository_id, number, title, body, state, draft, merged, author_id, base_ref, head_ref, additions, deletions, changed_files,
                           created_at, updated_at, closed_at, merged_at, embedding, content_hash, embedding_generated_at, embedding_model, embedding_dimensions)
SELECT g, r.id,
       CASE WHEN g <= ${S.bigRepoPullRequests} THEN g ELSE (g - ${S.bigRepoPullRequests} - 1) / ${S.repositories - 1} + 1 END,
       'PR ' || g || ': ' || md5(g::text), repeat(md5(g::text) || ' ', 1 + g % 30),
       CASE WHEN g % 10 < 8 THEN 'closed' ELSE 'open' END, false, g % 10 < 6,
       CASE WHEN g % 100 = 0 THEN NULL ELSE c.id END, 'main', 'feature-' || g, g % 500, g % 90, ${S.filesPerPr},
       t.created, t.created + interval '2 hours', CASE WHEN g % 10 < 8 THEN t.created + interval '1 day' END, CASE WHEN g % 10 < 6 THEN t.created + interval '1 day' END,
       CASE WHEN g % 10 < 6 THEN CASE WHEN g <= ${S.bigRepoPullRequests} THEN v.v ELSE array_fill(0.5::real, ARRAY[${S.dimensions}]) END END,
       CASE WHEN g % 10 < 6 THEN md5('pr' || g) END, CASE WHEN g % 10 < 6 THEN t.created + interval '3 days' END,
       CASE WHEN g % 10 < 6 THEN 'text-embedding-3-small' END, CASE WHEN g % 10 < 6 THEN ${S.dimensions} END
FROM generate_series(1, ${S.pullRequests}) g
CROSS JOIN LATERAL (SELECT now() - ((g::bigint * 104729) % ${SPAN_S}) * interval '1 second' AS created) t
JOIN repositories r ON r.github_id = CASE WHEN g <= ${S.bigRepoPullRequests} THEN 1 ELSE 2 + (g - ${S.bigRepoPullRequests} - 1) % ${S.repositories - 1} END
JOIN contributors c ON c.github_id = 1 + (g::bigint * 7919) % ${S.contributors}
LEFT JOIN bench_vectors v ON v.i = g % 1000`,
  },
  {
    name: 'issues',
    sql: `INSERT INTO issues (github_id, repository_id, number, title, body, state, author_id, comments_count, created_at, updated_at, closed_at,
                    embedding, content_hash, embedding_generated_at, embedding_model, embedding_dimensions)
SELECT g, r.id,
       CASE WHEN g <= ${S.bigRepoIssues} THEN ${S.bigRepoPullRequests} + g ELSE 10000 + (g - ${S.bigRepoIssues} - 1) / ${S.repositories - 1} + 1 END,
       'Issue ' || g || ': ' || md5(g::text), repeat(md5(g::text) || ' ', 1 + g % 20),
       CASE WHEN g % 10 < 7 THEN 'closed' ELSE 'open' END, CASE WHEN g % 200 = 0 THEN NULL ELSE c.id END, 2,
       t.created, t.created + interval '5 hours', CASE WHEN g % 10 < 7 THEN t.created + interval '2 days' END,
       CASE WHEN g % 10 < 4 THEN CASE WHEN g <= ${S.bigRepoIssues} THEN v.v ELSE array_fill(0.5::real, ARRAY[${S.dimensions}]) END END,
       CASE WHEN g % 10 < 4 THEN md5('issue' || g) END, CASE WHEN g % 10 < 4 THEN t.created + interval '3 days' END,
       CASE WHEN g % 10 < 4 THEN 'text-embedding-3-small' END, CASE WHEN g % 10 < 4 THEN ${S.dimensions} END
FROM generate_series(1, ${S.issues}) g
CROSS JOIN LATERAL (SELECT now() - ((g::bigint * 7727) % ${SPAN_S}) * interval '1 second' AS created) t
JOIN repositories r ON r.github_id = CASE WHEN g <= ${S.bigRepoIssues} THEN 1 ELSE 2 + (g - ${S.bigRepoIssues} - 1) % ${S.repositories - 1} END
JOIN contributors c ON c.github_id = 1 + (g::bigint * 104723) % ${S.contributors}
LEFT JOIN bench_vectors v ON v.i = g % 1000`,
  },
  {
    name: 'reviews',
    sql: `INSERT INTO reviews (github_id, pull_request_id, repository_id, reviewer_id, state, body, submitted_at, created_at, updated_at)
SELECT g, p.id, p.repository_id, c.id, CASE WHEN g % 3 = 0 THEN 'APPROVED' ELSE 'COMMENTED' END, 'Review ' || g,
       p.created_at + interval '6 hours', p.created_at + interval '6 hours', p.created_at + interval '6 hours'
FROM generate_series(1, ${S.reviews}) g
JOIN pull_requests p ON p.github_id = 1 + (g - 1) % ${S.pullRequests}
JOIN contributors c ON c.github_id = 1 + (g::bigint * 31) % ${S.contributors}`,
  },
  {
    name: 'comments (review comments)',
    sql: `INSERT INTO comments (github_id, comment_type, repository_id, pull_request_id, review_id, commenter_id, body, path, created_at, updated_at)
SELECT g, 'review_comment', rv.repository_id, rv.pull_request_id, rv.id, c.id, repeat('Looks odd: ' || md5(g::text) || ' ', 1 + g % 5), 'src/file' || g % 97 || '.ts',
       rv.created_at + (g % 600) * interval '1 minute', rv.created_at + (g % 600) * interval '1 minute'
FROM generate_series(1, ${S.reviewComments}) g
JOIN reviews rv ON rv.github_id = g
JOIN contributors c ON c.github_id = 1 + (g::bigint * 13) % ${S.contributors}`,
  },
  {
    name: 'comments (on PRs)',
    sql: `INSERT INTO comments (github_id, comment_type, repository_id, pull_request_id, commenter_id, body, created_at, updated_at)
SELECT g, 'issue_comment', p.repository_id, p.id, c.id, repeat('Comment ' || md5(g::text) || ' ', 1 + g % 5),
       p.created_at + (g % 1000) * interval '1 minute', p.created_at + (g % 1000) * interval '1 minute'
FROM generate_series(${S.reviewComments + 1}, ${S.reviewComments + S.prComments}) g
JOIN pull_requests p ON p.github_id = 1 + g % ${S.pullRequests}
JOIN contributors c ON c.github_id = 1 + (g::bigint * 17) % ${S.contributors}`,
  },
  {
    name: 'comments (on issues)',
    sql: `INSERT INTO comments (github_id, comment_type, repository_id, issue_id, commenter_id, body, created_at, updated_at)
SELECT g, 'issue_comment', i.repository_id, i.id, c.id, repeat('Comment ' || md5(g::text) || ' ', 1 + g % 5),
       i.created_at + (g % 1000) * interval '1 minute', i.created_at + (g % 1000) * interval '1 minute'
FROM generate_series(${S.reviewComments + S.prComments + 1}, ${S.reviewComments + S.prComments + S.issueComments}) g
JOIN issues i ON i.github_id = 1 + g % ${S.issues}
JOIN contributors c ON c.github_id = 1 + (g::bigint * 19) % ${S.contributors}`,
  },
  {
    name: 'pr_files',
    // Every 500th PR has no files although GitHub reports 3 (a defect the checks should find).
    sql: `INSERT INTO pr_files (pull_request_id, path, additions, deletions, change_type)
SELECT p.id, 'src/module' || (p.github_id % 200) || '/file' || k || '.ts', k * 10, k, 'modified'
FROM pull_requests p CROSS JOIN generate_series(1, ${S.filesPerPr}) k
WHERE p.github_id % 500 <> 0`,
  },
  {
    name: 'workspaces',
    sql: `INSERT INTO workspaces (name, slug, total_repositories, total_contributors, total_pull_requests, total_issues, last_aggregated_at)
SELECT 'Workspace ' || g, 'ws-' || g, 0, 0, 0, 0, now() - interval '1 day' FROM generate_series(1, 10) g;
INSERT INTO workspace_repositories (workspace_id, repository_id)
SELECT w.id, r.id FROM workspaces w JOIN repositories r
  ON (w.slug = 'ws-1' AND r.github_id <= 25) OR (w.slug = 'ws-2' AND (r.github_id = 1 OR r.github_id BETWEEN 26 AND 30))
  OR (w.slug NOT IN ('ws-1', 'ws-2') AND r.github_id BETWEEN 2 AND 50 AND r.github_id % 8 = substring(w.slug FROM 4)::int % 8);
UPDATE workspaces w SET total_repositories = (SELECT count(*) FROM workspace_repositories wr WHERE wr.workspace_id = w.id)`,
  },
  {
    name: 'sync history and costs',
    sql: `INSERT INTO sync_runs (id, repository_id, mode, status, started_at, finished_at, requests, graphql_points, rows_written, counts, reconciliation)
SELECT gen_random_uuid(), r.id, CASE WHEN k % 5 = 0 THEN 'full' ELSE 'incremental' END,
       CASE WHEN k % 17 = 0 THEN 'failed' WHEN k % 11 = 0 THEN 'incomplete' ELSE 'succeeded' END,
       now() - (k * 6) * interval '1 hour', now() - (k * 6) * interval '1 hour' + interval '4 minutes', 100 + k, 300 + k, 1000 * k, '{}',
       jsonb_build_object('pullRequests', jsonb_build_object('github', 100, 'stored', 100, 'match', true), 'issues', jsonb_build_object('github', 40, 'stored', 40, 'match', true), 'ok', true)
FROM repositories r CROSS JOIN generate_series(1, 40) k;
INSERT INTO sync_state (repository_id, stream, mode, pages, rows, done, high_water_mark)
SELECT r.id, s.stream, 'incremental', 10, 1000, true, now() - interval '6 hours'
FROM repositories r CROSS JOIN (VALUES ('pull_requests'), ('issues')) s(stream);
INSERT INTO embedding_costs (run_id, repository_id, model, dimensions, requests, input_tokens, items, usd, started_at, updated_at)
SELECT gen_random_uuid(), r.id, 'text-embedding-3-small', ${S.dimensions}, 3, 50000 + k, 100, 0.001, now() - k * interval '1 hour', now() - k * interval '1 hour'
FROM repositories r CROSS JOIN generate_series(1, 100) k`,
  },
  { name: 'drop vector pool', sql: 'DROP TABLE bench_vectors' },
];

/** Runs the steps, reporting each; returns the rows of the largest table. */
export async function generateWarehouse(pool: pg.Pool, log: (line: string) => void): Promise<number> {
  for (const step of GENERATION_STEPS) {
    const t = performance.now();
    await pool.query(step.sql);
    log(`  ${step.name.padEnd(28)} ${((performance.now() - t) / 1000).toFixed(1).padStart(6)} s`);
  }
  const t = performance.now();
  await pool.query('VACUUM ANALYZE');
  log(`  ${'VACUUM ANALYZE'.padEnd(28)} ${((performance.now() - t) / 1000).toFixed(1).padStart(6)} s`);
  return (await pool.query('SELECT count(*)::int AS n FROM comments')).rows[0].n as number;
}
