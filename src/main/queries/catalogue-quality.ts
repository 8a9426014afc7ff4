// Data quality beyond the backfill guide's null-author check. Foreign keys already rule out
// dangling references, so "orphans" here are rows linked across repositories or to nothing.
import { HEAVY_TIMEOUT_MS, REPOSITORY } from './catalogue-coverage.ts';
import type { CatalogueQuery } from './types.ts';

const CHECKLIST = 'aggressive-backfill-guide.md § SQL Verification Queries, query 4 ("Data quality checks")';

export const qualityQueries: CatalogueQuery[] = [
  {
    id: 'quality-nulls-and-states',
    title: 'Missing people and inconsistent states',
    group: 'data-quality',
    description: 'Rows without their author, reviewer or commenter, and PRs/issues whose state contradicts their timestamps. All should be 0 (or explained by deleted accounts).',
    source: `${CHECKLIST}, extended to reviews, comments and state/timestamp consistency`,
    params: [REPOSITORY],
    // One pass per table; the rows come out of the aggregates.
    sql: `WITH prs AS (
  SELECT count(*) FILTER (WHERE author_id IS NULL) AS null_author,
         count(*) FILTER (WHERE merged AND merged_at IS NULL) AS merged_without_merged_at,
         count(*) FILTER (WHERE NOT merged AND merged_at IS NOT NULL) AS merged_at_not_merged,
         count(*) FILTER (WHERE state <> 'open' AND closed_at IS NULL) AS closed_without_closed_at,
         count(*) FILTER (WHERE state = 'open' AND closed_at IS NOT NULL) AS open_with_closed_at,
         count(*) FILTER (WHERE updated_at < created_at) AS updated_before_created
  FROM pull_requests WHERE repository_id = $1::uuid
), iss AS (
  SELECT count(*) FILTER (WHERE author_id IS NULL) AS null_author,
         count(*) FILTER (WHERE state <> 'open' AND closed_at IS NULL) AS closed_without_closed_at,
         count(*) FILTER (WHERE updated_at < created_at) AS updated_before_created
  FROM issues WHERE repository_id = $1::uuid
)
SELECT checks.check_name, checks.count
FROM prs, iss, LATERAL (VALUES
  (1, 'PRs with null author', prs.null_author),
  (2, 'Issues with null author', iss.null_author),
  (3, 'Reviews with null reviewer', (SELECT count(*) FROM reviews WHERE repository_id = $1::uuid AND reviewer_id IS NULL)),
  (4, 'Comments with null commenter', (SELECT count(*) FROM comments WHERE repository_id = $1::uuid AND commenter_id IS NULL)),
  (5, 'Merged PRs without merged_at', prs.merged_without_merged_at),
  (6, 'PRs with merged_at but not merged', prs.merged_at_not_merged),
  (7, 'Closed PRs without closed_at', prs.closed_without_closed_at),
  (8, 'Open PRs with closed_at', prs.open_with_closed_at),
  (9, 'Closed issues without closed_at', iss.closed_without_closed_at),
  (10, 'Items updated before they were created', prs.updated_before_created + iss.updated_before_created)
) AS checks(ord, check_name, count)
ORDER BY checks.ord;`,
  },
  {
    id: 'quality-orphans',
    title: 'Orphaned rows',
    group: 'data-quality',
    description:
      'Comments attached to nothing, review comments without a review or linked to a review of another PR, and contributors with no activity anywhere. All should be 0 except the last.',
    source: `${CHECKLIST} and § Verification Checklist ("Contributors list is complete"); the foreign keys rule out dangling ids, so this looks for missing and wrong links instead`,
    // Reads the repository's whole slice of the big tables: more room than the 2 s default.
    timeoutMs: HEAVY_TIMEOUT_MS,
    params: [REPOSITORY],
    sql: `WITH here AS (
  SELECT count(*) FILTER (WHERE pull_request_id IS NULL AND issue_id IS NULL) AS unattached,
         count(*) FILTER (WHERE comment_type = 'review_comment' AND review_id IS NULL) AS without_review
  FROM comments WHERE repository_id = $1::uuid
)
SELECT checks.check_name, checks.count
FROM here, LATERAL (VALUES
  (1, 'Comments attached to neither a PR nor an issue', here.unattached),
  (2, 'Review comments without a review', here.without_review),
  (3, 'Review comments whose review is on another PR',
      (SELECT count(*) FROM comments c JOIN reviews r ON r.id = c.review_id
       WHERE c.repository_id = $1::uuid AND c.pull_request_id IS DISTINCT FROM r.pull_request_id)),
  (4, 'Contributors with no activity in any repository',
      (SELECT count(*) FROM contributors c
       WHERE NOT EXISTS (SELECT 1 FROM pull_requests p WHERE p.author_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM issues i WHERE i.author_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.reviewer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM comments m WHERE m.commenter_id = c.id)))
) AS checks(ord, check_name, count)
ORDER BY checks.ord;`,
  },
  {
    id: 'quality-cross-repository',
    title: 'Rows linked across repositories',
    group: 'data-quality',
    description: 'Reviews and comments filed under one repository whose PR or issue belongs to another (in both directions for reviews). All should be 0.',
    source: `${CHECKLIST}; a sync writing a child row under the wrong repository_id passes every foreign key, so this compares the two links`,
    // Reads the repository's whole slice of the big tables: more room than the 2 s default.
    timeoutMs: HEAVY_TIMEOUT_MS,
    params: [REPOSITORY],
    // Inner joins only: an outer join on a mostly-NULL key (comments.issue_id, review_id) can be
    // planned as a hash join that keeps every NULL key in one bucket and exhausts memory.
    sql: `SELECT checks.check_name, checks.count
FROM (VALUES
  (1, 'Reviews on this repository''s PRs filed under another repository',
      (SELECT count(*) FROM pull_requests p JOIN reviews r ON r.pull_request_id = p.id WHERE p.repository_id = $1::uuid AND r.repository_id <> p.repository_id)),
  (2, 'Reviews filed under this repository on another repository''s PR',
      (SELECT count(*) FROM reviews r JOIN pull_requests p ON p.id = r.pull_request_id WHERE r.repository_id = $1::uuid AND p.repository_id <> r.repository_id)),
  (3, 'Comments filed under this repository on another repository''s PR',
      (SELECT count(*) FROM comments c JOIN pull_requests p ON p.id = c.pull_request_id WHERE c.repository_id = $1::uuid AND p.repository_id <> c.repository_id)),
  (4, 'Comments filed under this repository on another repository''s issue',
      (SELECT count(*) FROM comments c JOIN issues i ON i.id = c.issue_id WHERE c.repository_id = $1::uuid AND i.repository_id <> c.repository_id))
) AS checks(ord, check_name, count)
ORDER BY checks.ord;`,
  },
  {
    id: 'quality-duplicates',
    title: 'Duplicates',
    group: 'data-quality',
    description:
      'Numbers used by both a PR and an issue (GitHub shares one number space), repeated comments, contributors sharing a username (a renamed or recreated account) and repositories tracked under an old and a new name.',
    source: `${CHECKLIST}; the unique keys on github_id and (repository_id, number) already prevent exact duplicates within a table`,
    // Reads the repository's whole slice of the big tables: more room than the 2 s default.
    timeoutMs: HEAVY_TIMEOUT_MS,
    params: [REPOSITORY],
    sql: `SELECT check_name, count, examples FROM (
  SELECT 1 AS ord, 'Numbers used by both a PR and an issue' AS check_name, count(*) AS count,
         (array_agg(i.number ORDER BY i.number))[1:10]::text AS examples
  FROM issues i JOIN pull_requests p ON p.repository_id = i.repository_id AND p.number = i.number
  WHERE i.repository_id = $1::uuid
  UNION ALL
  SELECT 2, 'Comments repeated (same author, parent, time and text)', coalesce(sum(n - 1), 0), NULL
  FROM (
    SELECT count(*) AS n FROM comments
    WHERE repository_id = $1::uuid
    GROUP BY commenter_id, coalesce(pull_request_id, issue_id), created_at, comment_type, body
    HAVING count(*) > 1
  ) d
  UNION ALL
  SELECT 3, 'Usernames shared by several contributors (case-insensitive)', count(*), (array_agg(u ORDER BY u))[1:10]::text
  FROM (SELECT lower(username) AS u FROM contributors GROUP BY 1 HAVING count(*) > 1) d
  UNION ALL
  SELECT 4, 'Repositories tracked under an old and a new name', count(*), (array_agg(a.full_name ORDER BY a.full_name))[1:10]::text
  FROM repositories a JOIN repositories b ON b.id <> a.id AND lower(a.full_name) = ANY (SELECT lower(x) FROM unnest(b.previous_names) x)
) checks
ORDER BY ord;`,
  },
  {
    id: 'quality-pr-files',
    title: 'PRs without files',
    group: 'data-quality',
    description:
      "PRs with no stored changed files (unless GitHub reports 0), or a different number than GitHub's changed_files (GitHub lists at most 3,000 files per PR). Newest first.",
    source: `${CHECKLIST}, applied to pr_files`,
    params: [REPOSITORY, { name: 'limit', type: 'int', label: 'Rows', default: 100 }],
    sql: `SELECT p.number, p.title, p.state, p.changed_files AS github_changed_files, coalesce(f.files, 0) AS stored_files,
       CASE WHEN f.files IS NULL THEN 'no files stored' ELSE 'count differs' END AS problem, p.created_at
FROM pull_requests p
LEFT JOIN (
  SELECT f.pull_request_id, count(*) AS files
  FROM pr_files f JOIN pull_requests p2 ON p2.id = f.pull_request_id
  WHERE p2.repository_id = $1::uuid
  GROUP BY f.pull_request_id
) f ON f.pull_request_id = p.id
WHERE p.repository_id = $1::uuid
  AND ((f.files IS NULL AND coalesce(p.changed_files, 1) > 0)
       OR (p.changed_files IS NOT NULL AND p.changed_files <> f.files AND p.changed_files <= 3000))
ORDER BY p.number DESC
LIMIT $2::int;`,
  },
];
