import type pg from 'pg';
import { describePgError } from '../warehouse/pg-errors.ts';
import type { ContributorRow, PageRows } from './rows.ts';

// Postgres text cannot hold NUL; GitHub bodies occasionally do. JSON writes a NUL as the escape
// \u0000: only text showing one pays for the replacer (which visits every value: slow on big pages).
const noNul = (_k: string, x: unknown) => (typeof x === 'string' && x.includes('\u0000') ? x.replaceAll('\u0000', '') : x);
export const json = (v: unknown) => {
  const text = JSON.stringify(v);
  return text.includes('\\u0000') ? JSON.stringify(v, noNul) : text;
};

// In github_id order: concurrent syncs lock the people they share in one order, never in a cycle.
const UPSERT_CONTRIBUTORS = `
INSERT INTO contributors AS c (github_id, username, display_name, avatar_url, is_bot, is_ghost, first_seen_at, last_seen_at)
SELECT github_id, username, display_name, avatar_url, is_bot, is_ghost, seen_first, seen_last
FROM json_to_recordset($1::json) AS x(github_id bigint, username text, display_name text, avatar_url text, is_bot boolean, is_ghost boolean, seen_first timestamptz, seen_last timestamptz)
ORDER BY github_id
ON CONFLICT (github_id) DO UPDATE SET
  username = EXCLUDED.username,
  display_name = COALESCE(EXCLUDED.display_name, c.display_name),
  avatar_url = COALESCE(EXCLUDED.avatar_url, c.avatar_url),
  is_bot = EXCLUDED.is_bot,
  first_seen_at = LEAST(c.first_seen_at, EXCLUDED.first_seen_at),
  last_seen_at = GREATEST(c.last_seen_at, EXCLUDED.last_seen_at),
  updated_at = now()`;

const UPSERT_PULL_REQUESTS = `
INSERT INTO pull_requests AS p (github_id, node_id, repository_id, number, title, body, state, draft, merged, author_id, base_ref, head_ref,
  additions, deletions, changed_files, labels, html_url, created_at, updated_at, closed_at, merged_at, synced_at)
SELECT x.github_id, x.node_id, $2, x.number, x.title, x.body, x.state, x.draft, x.merged, c.id, x.base_ref, x.head_ref,
  x.additions, x.deletions, x.changed_files, x.labels, x.html_url, x.created_at, x.updated_at, x.closed_at, x.merged_at, now()
FROM json_to_recordset($1::json) AS x(github_id bigint, node_id text, number int, title text, body text, state text, draft boolean, merged boolean,
  author bigint, base_ref text, head_ref text, additions int, deletions int, changed_files int, labels text[], html_url text,
  created_at timestamptz, updated_at timestamptz, closed_at timestamptz, merged_at timestamptz)
LEFT JOIN contributors c ON c.github_id = x.author
ON CONFLICT (github_id) DO UPDATE SET
  node_id = EXCLUDED.node_id, repository_id = EXCLUDED.repository_id, number = EXCLUDED.number, title = EXCLUDED.title, body = EXCLUDED.body,
  state = EXCLUDED.state, draft = EXCLUDED.draft, merged = EXCLUDED.merged, author_id = EXCLUDED.author_id, base_ref = EXCLUDED.base_ref,
  head_ref = EXCLUDED.head_ref, additions = EXCLUDED.additions, deletions = EXCLUDED.deletions, changed_files = EXCLUDED.changed_files,
  labels = EXCLUDED.labels, html_url = EXCLUDED.html_url, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
  closed_at = EXCLUDED.closed_at, merged_at = EXCLUDED.merged_at, synced_at = now()`;

const UPSERT_ISSUES = `
INSERT INTO issues AS i (github_id, node_id, repository_id, number, title, body, state, state_reason, author_id, closed_by_id, labels, comments_count, html_url,
  created_at, updated_at, closed_at, synced_at)
SELECT x.github_id, x.node_id, $2, x.number, x.title, x.body, x.state, x.state_reason, c.id, cb.id, x.labels, x.comments_count, x.html_url,
  x.created_at, x.updated_at, x.closed_at, now()
FROM json_to_recordset($1::json) AS x(github_id bigint, node_id text, number int, title text, body text, state text, state_reason text,
  author bigint, closed_by bigint, labels text[], comments_count int, html_url text, created_at timestamptz, updated_at timestamptz, closed_at timestamptz)
LEFT JOIN contributors c ON c.github_id = x.author
LEFT JOIN contributors cb ON cb.github_id = x.closed_by
ON CONFLICT (github_id) DO UPDATE SET
  node_id = EXCLUDED.node_id, repository_id = EXCLUDED.repository_id, number = EXCLUDED.number, title = EXCLUDED.title, body = EXCLUDED.body,
  state = EXCLUDED.state, state_reason = EXCLUDED.state_reason, author_id = EXCLUDED.author_id, closed_by_id = EXCLUDED.closed_by_id, labels = EXCLUDED.labels,
  comments_count = EXCLUDED.comments_count, html_url = EXCLUDED.html_url, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
  closed_at = EXCLUDED.closed_at, synced_at = now()`;

const UPSERT_REVIEWS = `
INSERT INTO reviews AS r (github_id, node_id, pull_request_id, repository_id, reviewer_id, state, body, submitted_at, created_at, updated_at)
SELECT x.github_id, x.node_id, p.id, $2, c.id, x.state, x.body, x.submitted_at, x.created_at, x.updated_at
FROM json_to_recordset($1::json) AS x(github_id bigint, node_id text, pr bigint, reviewer bigint, state text, body text,
  submitted_at timestamptz, created_at timestamptz, updated_at timestamptz)
JOIN pull_requests p ON p.github_id = x.pr
LEFT JOIN contributors c ON c.github_id = x.reviewer
ON CONFLICT (github_id) DO UPDATE SET
  node_id = EXCLUDED.node_id, pull_request_id = EXCLUDED.pull_request_id, reviewer_id = EXCLUDED.reviewer_id, state = EXCLUDED.state,
  body = EXCLUDED.body, submitted_at = EXCLUDED.submitted_at, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`;

const UPSERT_COMMENTS = `
INSERT INTO comments AS m (github_id, node_id, comment_type, repository_id, pull_request_id, issue_id, review_id, commenter_id, body, path, created_at, updated_at)
SELECT x.github_id, x.node_id, x.comment_type, $2, p.id, i.id, r.id, c.id, x.body, x.path, x.created_at, x.updated_at
FROM json_to_recordset($1::json) AS x(github_id bigint, node_id text, comment_type text, pr bigint, issue bigint, review bigint,
  commenter bigint, body text, path text, created_at timestamptz, updated_at timestamptz)
LEFT JOIN pull_requests p ON p.github_id = x.pr
LEFT JOIN issues i ON i.github_id = x.issue
LEFT JOIN reviews r ON r.github_id = x.review
LEFT JOIN contributors c ON c.github_id = x.commenter
ON CONFLICT (comment_type, github_id) DO UPDATE SET
  node_id = EXCLUDED.node_id, pull_request_id = EXCLUDED.pull_request_id, issue_id = EXCLUDED.issue_id, review_id = EXCLUDED.review_id,
  commenter_id = EXCLUDED.commenter_id, body = EXCLUDED.body, path = EXCLUDED.path, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`;

const UPSERT_FILES = `
INSERT INTO pr_files AS f (pull_request_id, path, additions, deletions, change_type)
SELECT p.id, x.path, x.additions, x.deletions, x.change_type
FROM json_to_recordset($1::json) AS x(pr bigint, path text, additions int, deletions int, change_type text)
JOIN pull_requests p ON p.github_id = x.pr
ON CONFLICT (pull_request_id, path) DO UPDATE SET additions = EXCLUDED.additions, deletions = EXCLUDED.deletions, change_type = EXCLUDED.change_type`;

// Children of fully fetched parents that GitHub no longer returns were deleted there: one
// statement for the five kinds (one round trip per page; each part deletes only its own rows).
const PRUNE = `
WITH pruned_reviews AS (
  DELETE FROM reviews r USING json_to_recordset($1::json) AS k(pr bigint, keep bigint[]), pull_requests p
  WHERE p.github_id = k.pr AND r.pull_request_id = p.id AND NOT (r.github_id = ANY (k.keep))),
pruned_pr_comments AS (
  DELETE FROM comments m USING json_to_recordset($2::json) AS k(pr bigint, keep bigint[]), pull_requests p
  WHERE p.github_id = k.pr AND m.pull_request_id = p.id AND m.comment_type = 'issue_comment' AND NOT (m.github_id = ANY (k.keep))),
pruned_review_comments AS (
  DELETE FROM comments m USING json_to_recordset($3::json) AS k(pr bigint, keep bigint[]), pull_requests p
  WHERE p.github_id = k.pr AND m.pull_request_id = p.id AND m.comment_type = 'review_comment' AND NOT (m.github_id = ANY (k.keep))),
pruned_files AS (
  DELETE FROM pr_files f USING json_to_recordset($4::json) AS k(pr bigint, keep text[]), pull_requests p
  WHERE p.github_id = k.pr AND f.pull_request_id = p.id AND NOT (f.path = ANY (k.keep))),
pruned_issue_comments AS (
  DELETE FROM comments m USING json_to_recordset($5::json) AS k(issue bigint, keep bigint[]), issues i
  WHERE i.github_id = k.issue AND m.issue_id = i.id AND m.comment_type = 'issue_comment' AND NOT (m.github_id = ANY (k.keep)))
SELECT 1`;

export interface StreamCursor {
  repositoryId: string;
  stream: 'pull_requests' | 'issues' | 'commits' | 'releases';
  runId: string;
  mode: string;
  cursor: string | null;
  pageSize: number;
  pages: number;
  rows: number;
  /** PRs or issues written by this run so far (across its attempts). */
  items: number;
  done: boolean;
  windowSince: string | null;
  windowUntil: string | null;
  highWaterMark: string | null;
}

const SAVE_CURSOR = `
INSERT INTO sync_state (repository_id, stream, run_id, mode, cursor, page_size, pages, rows, done, window_since, window_until, high_water_mark, items, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
ON CONFLICT (repository_id, stream) DO UPDATE SET run_id = EXCLUDED.run_id, mode = EXCLUDED.mode, cursor = EXCLUDED.cursor,
  page_size = EXCLUDED.page_size, pages = EXCLUDED.pages, rows = EXCLUDED.rows, done = EXCLUDED.done, window_since = EXCLUDED.window_since,
  window_until = EXCLUDED.window_until, high_water_mark = EXCLUDED.high_water_mark, items = EXCLUDED.items, updated_at = now()`;

export async function saveCursor(client: pg.ClientBase | pg.Pool, c: StreamCursor): Promise<void> {
  await client.query(SAVE_CURSOR, [c.repositoryId, c.stream, c.runId, c.mode, c.cursor, c.pageSize, c.pages, c.rows, c.done, c.windowSince, c.windowUntil, c.highWaterMark, c.items]);
}

/**
 * The people of a page, in a statement of their own before the page's transaction. Syncs of
 * different repositories share people (the same engineers everywhere): inside the page's
 * transaction their row locks would be held until it commits, and every concurrent sync touching
 * one of them would wait for the whole page — workers queueing behind each other. Alone, the
 * locks last one statement. Upserting people is idempotent, so a page that fails after it loses
 * nothing and duplicates nothing: its retry upserts them again.
 */
export async function upsertContributors(pool: pg.Pool, url: string, rows: ContributorRow[]): Promise<void> {
  if (!rows.length) return;
  try {
    await pool.query(UPSERT_CONTRIBUTORS, [json(rows)]);
  } catch (e) {
    throw describePgError(e, url);
  }
}

/**
 * Upserts pull requests or issues and returns the GitHub ids of those that were already stored
 * (the CTE's SELECT sees the table as it was before the statement's INSERT).
 */
async function upsertParents(client: pg.ClientBase, upsert: string, table: 'pull_requests' | 'issues', data: Record<string, unknown>[], repositoryId: string): Promise<Set<number>> {
  if (!data.length) return new Set();
  const { rows } = await client.query<{ github_id: number }>(
    `WITH existed AS (SELECT github_id FROM "${table}" WHERE github_id = ANY ($3::bigint[])), upserted AS (${upsert}) SELECT github_id FROM existed`,
    [json(data), repositoryId, data.map((d) => d.github_id)],
  );
  return new Set(rows.map((r) => Number(r.github_id)));
}

/** Writes one page with set-based upserts (its people first, see upsertContributors); the caller commits it together with the cursor. */
export async function writePage(client: pg.ClientBase, repositoryId: string, rows: PageRows): Promise<void> {
  const run = async (sql: string, data: unknown[], withRepo = false) => {
    if (data.length) await client.query(sql, withRepo ? [json(data), repositoryId] : [json(data)]);
  };
  const existedPrs = await upsertParents(client, UPSERT_PULL_REQUESTS, 'pull_requests', rows.pullRequests, repositoryId);
  const existedIssues = await upsertParents(client, UPSERT_ISSUES, 'issues', rows.issues, repositoryId);
  await run(UPSERT_REVIEWS, rows.reviews, true);
  await run(UPSERT_COMMENTS, rows.comments, true);
  await run(UPSERT_FILES, rows.files);
  // A parent this page inserted had no children before it: only parents that existed can have lost some.
  const onPr = <T extends { pr: number }>(xs: T[]) => xs.filter((x) => existedPrs.has(x.pr));
  const k = { reviews: onPr(rows.keep.reviews), prComments: onPr(rows.keep.prComments), reviewComments: onPr(rows.keep.reviewComments), files: onPr(rows.keep.files), issueComments: rows.keep.issueComments.filter((x) => existedIssues.has(x.issue)) };
  if (k.reviews.length || k.prComments.length || k.reviewComments.length || k.files.length || k.issueComments.length) {
    await client.query(PRUNE, [json(k.reviews), json(k.prComments), json(k.reviewComments), json(k.files), json(k.issueComments)]);
  }
}
