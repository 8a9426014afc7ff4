// Data quality beyond the backfill guide's null-author check. Foreign keys already rule out
// dangling references, so "orphans" here are rows linked across repositories or to nothing.
import { REPOSITORY } from './catalogue-coverage.ts';
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
    sql: `SELECT check_name, count FROM (
  SELECT 1 AS ord, 'PRs with null author' AS check_name, count(*) AS count FROM pull_requests WHERE repository_id = $1::uuid AND author_id IS NULL
  UNION ALL SELECT 2, 'Issues with null author', count(*) FROM issues WHERE repository_id = $1::uuid AND author_id IS NULL
  UNION ALL SELECT 3, 'Reviews with null reviewer', count(*) FROM reviews WHERE repository_id = $1::uuid AND reviewer_id IS NULL
  UNION ALL SELECT 4, 'Comments with null commenter', count(*) FROM comments WHERE repository_id = $1::uuid AND commenter_id IS NULL
  UNION ALL SELECT 5, 'Merged PRs without merged_at', count(*) FROM pull_requests WHERE repository_id = $1::uuid AND merged AND merged_at IS NULL
  UNION ALL SELECT 6, 'PRs with merged_at but not merged', count(*) FROM pull_requests WHERE repository_id = $1::uuid AND NOT merged AND merged_at IS NOT NULL
  UNION ALL SELECT 7, 'Closed PRs without closed_at', count(*) FROM pull_requests WHERE repository_id = $1::uuid AND state <> 'open' AND closed_at IS NULL
  UNION ALL SELECT 8, 'Open PRs with closed_at', count(*) FROM pull_requests WHERE repository_id = $1::uuid AND state = 'open' AND closed_at IS NOT NULL
  UNION ALL SELECT 9, 'Closed issues without closed_at', count(*) FROM issues WHERE repository_id = $1::uuid AND state <> 'open' AND closed_at IS NULL
  UNION ALL SELECT 10, 'Items updated before they were created', (SELECT count(*) FROM pull_requests WHERE repository_id = $1::uuid AND updated_at < created_at) + (SELECT count(*) FROM issues WHERE repository_id = $1::uuid AND updated_at < created_at)
) checks
ORDER BY ord;`,
  },
  {
    id: 'quality-orphans',
    title: 'Orphaned and cross-linked rows',
    group: 'data-quality',
    description:
      'Reviews and comments whose PR or issue belongs to another repository, comments attached to nothing, review comments without (or with a mismatched) review, and contributors with no activity anywhere. All should be 0 except the last.',
    source: `${CHECKLIST} and § Verification Checklist ("Contributors list is complete"); the foreign keys rule out dangling ids, so this looks for wrong links instead`,
    params: [REPOSITORY],
    timeoutMs: 5000,
    sql: `SELECT check_name, count FROM (
  SELECT 1 AS ord, 'Reviews on this repository''s PRs filed under another repository' AS check_name,
         count(*) AS count
  FROM reviews r JOIN pull_requests p ON p.id = r.pull_request_id
  WHERE p.repository_id = $1::uuid AND r.repository_id <> p.repository_id
  UNION ALL
  SELECT 2, 'Reviews filed under this repository on another repository''s PR', count(*)
  FROM reviews r JOIN pull_requests p ON p.id = r.pull_request_id
  WHERE r.repository_id = $1::uuid AND p.repository_id <> r.repository_id
  UNION ALL
  SELECT 3, 'Comments filed under this repository on another repository''s PR or issue', count(*)
  FROM comments c
  LEFT JOIN pull_requests p ON p.id = c.pull_request_id
  LEFT JOIN issues i ON i.id = c.issue_id
  WHERE c.repository_id = $1::uuid AND (p.repository_id <> c.repository_id OR i.repository_id <> c.repository_id)
  UNION ALL
  SELECT 4, 'Comments attached to neither a PR nor an issue', count(*)
  FROM comments WHERE repository_id = $1::uuid AND pull_request_id IS NULL AND issue_id IS NULL
  UNION ALL
  SELECT 5, 'Review comments without a review', count(*)
  FROM comments WHERE repository_id = $1::uuid AND comment_type = 'review_comment' AND review_id IS NULL
  UNION ALL
  SELECT 6, 'Review comments whose review is on another PR', count(*)
  FROM comments c JOIN reviews r ON r.id = c.review_id
  WHERE c.repository_id = $1::uuid AND c.pull_request_id IS DISTINCT FROM r.pull_request_id
  UNION ALL
  SELECT 7, 'Contributors with no activity in any repository', count(*)
  FROM contributors c
  WHERE NOT EXISTS (SELECT 1 FROM pull_requests p WHERE p.author_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM issues i WHERE i.author_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.reviewer_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM comments m WHERE m.commenter_id = c.id)
) checks
ORDER BY ord;`,
  },
  {
    id: 'quality-duplicates',
    title: 'Duplicates',
    group: 'data-quality',
    description:
      'Numbers used by both a PR and an issue (GitHub shares one number space), repeated comments, contributors sharing a username (a renamed or recreated account) and repositories tracked under an old and a new name.',
    source: `${CHECKLIST}; the unique keys on github_id and (repository_id, number) already prevent exact duplicates within a table`,
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
    GROUP BY comment_type, commenter_id, pull_request_id, issue_id, created_at, md5(coalesce(body, ''))
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
