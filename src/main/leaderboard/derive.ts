import type pg from 'pg';

/**
 * The contribution events of one repository whose timestamp falls in [since, until], from the
 * synced tables. Every event_id names its source row, so deriving a window again is idempotent.
 * - commit: default-branch commits by their GitHub author (lines count here only: merged PRs'
 *   lines arrive as commits already);
 * - pr_opened / pr_merged: the PR's author at created_at / merged_at;
 * - pr_reviewed: each submitted review (not PENDING) by its reviewer; `self` marks reviews of one's
 *   own PR, left out of scores unless the settings count them;
 * - issue_opened; issue_closed: the actor of the closing event, for issues closed now;
 * - comment: issue, PR and review comments; release: published, non-draft releases by their author.
 * Rows without a known user (deleted accounts GitHub shows as ghost) have no contributor and no event.
 */
const DERIVED = `
SELECT 'commit:' || c.repository_id || ':' || c.sha AS event_id, c.author_id AS user_id, 'commit' AS event_type,
  jsonb_build_object('sha', c.sha) AS event_data, c.additions AS lines_added, c.deletions AS lines_deleted, c.committed_date AS event_timestamp
FROM commits c WHERE c.repository_id = $1 AND c.author_id IS NOT NULL AND c.committed_date BETWEEN $2 AND $3
UNION ALL
SELECT 'pr_opened:' || p.github_id, p.author_id, 'pr_opened', jsonb_build_object('number', p.number), 0, 0, p.created_at
FROM pull_requests p WHERE p.repository_id = $1 AND p.author_id IS NOT NULL AND p.created_at BETWEEN $2 AND $3
UNION ALL
SELECT 'pr_merged:' || p.github_id, p.author_id, 'pr_merged', jsonb_build_object('number', p.number), 0, 0, p.merged_at
FROM pull_requests p WHERE p.repository_id = $1 AND p.author_id IS NOT NULL AND p.merged AND p.merged_at BETWEEN $2 AND $3
UNION ALL
SELECT 'pr_reviewed:' || r.github_id, r.reviewer_id, 'pr_reviewed',
  jsonb_build_object('number', p.number, 'state', r.state, 'self', r.reviewer_id IS NOT DISTINCT FROM p.author_id), 0, 0, COALESCE(r.submitted_at, r.created_at)
FROM reviews r JOIN pull_requests p ON p.id = r.pull_request_id
WHERE r.repository_id = $1 AND r.reviewer_id IS NOT NULL AND upper(r.state) <> 'PENDING' AND COALESCE(r.submitted_at, r.created_at) BETWEEN $2 AND $3
UNION ALL
SELECT 'issue_opened:' || i.github_id, i.author_id, 'issue_opened', jsonb_build_object('number', i.number), 0, 0, i.created_at
FROM issues i WHERE i.repository_id = $1 AND i.author_id IS NOT NULL AND i.created_at BETWEEN $2 AND $3
UNION ALL
SELECT 'issue_closed:' || i.github_id, i.closed_by_id, 'issue_closed', jsonb_build_object('number', i.number, 'reason', i.state_reason), 0, 0, i.closed_at
FROM issues i WHERE i.repository_id = $1 AND i.closed_by_id IS NOT NULL AND i.closed_at IS NOT NULL AND lower(i.state) = 'closed' AND i.closed_at BETWEEN $2 AND $3
UNION ALL
SELECT 'comment:' || m.comment_type || ':' || m.github_id, m.commenter_id, 'comment',
  jsonb_build_object('kind', m.comment_type, 'on', CASE WHEN m.pull_request_id IS NOT NULL THEN 'pull_request' ELSE 'issue' END), 0, 0, m.created_at
FROM comments m WHERE m.repository_id = $1 AND m.commenter_id IS NOT NULL AND m.created_at BETWEEN $2 AND $3
UNION ALL
SELECT 'release:' || r.github_id, r.author_id, 'release', jsonb_build_object('tag', r.tag_name, 'prerelease', r.is_prerelease), 0, 0, r.published_at
FROM releases r WHERE r.repository_id = $1 AND r.author_id IS NOT NULL AND NOT r.is_draft AND r.published_at BETWEEN $2 AND $3`;

export interface DeriveResult {
  eventsFetched: number;
  eventsNew: number;
  eventsChanged: number;
  eventsRemoved: number;
  contributorsFound: number;
  bytesProcessed: number;
}

/**
 * Brings contribution_events of one repository and window in line with the synced tables, in
 * the caller's transaction: new events inserted, changed ones updated, events whose source row
 * is gone removed. The triggers mark every touched (repository, contributor) pair dirty.
 */
export async function deriveWindow(client: pg.ClientBase, repositoryId: string, since: Date, until: Date): Promise<DeriveResult> {
  await client.query('DROP TABLE IF EXISTS pg_temp.lb_derived');
  await client.query(`CREATE TEMP TABLE lb_derived ON COMMIT DROP AS ${DERIVED}`, [repositoryId, since, until]);
  const stats = (
    await client.query(`SELECT count(*)::int AS n, count(DISTINCT user_id)::int AS users, COALESCE(sum(pg_column_size(d.*)), 0)::bigint AS bytes FROM lb_derived d`)
  ).rows[0];
  const upsert = await client.query(
    `WITH up AS (
       INSERT INTO contribution_events AS e (event_id, repository_id, user_id, event_type, event_data, lines_added, lines_deleted, event_timestamp)
       SELECT event_id, $1, user_id, event_type, event_data, lines_added, lines_deleted, event_timestamp FROM lb_derived
       ON CONFLICT (event_id) DO UPDATE SET user_id = EXCLUDED.user_id, event_data = EXCLUDED.event_data, lines_added = EXCLUDED.lines_added,
         lines_deleted = EXCLUDED.lines_deleted, event_timestamp = EXCLUDED.event_timestamp, scraped_at = now()
       WHERE (e.user_id, e.event_data, e.lines_added, e.lines_deleted, e.event_timestamp) IS DISTINCT FROM
         (EXCLUDED.user_id, EXCLUDED.event_data, EXCLUDED.lines_added, EXCLUDED.lines_deleted, EXCLUDED.event_timestamp)
       RETURNING (xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*)::int AS total FROM up`,
    [repositoryId],
  );
  const removed = await client.query(
    `DELETE FROM contribution_events e WHERE e.repository_id = $1 AND e.event_timestamp BETWEEN $2 AND $3
       AND NOT EXISTS (SELECT 1 FROM lb_derived d WHERE d.event_id = e.event_id)`,
    [repositoryId, since, until],
  );
  const { inserted, total } = upsert.rows[0];
  return {
    eventsFetched: stats.n,
    eventsNew: inserted,
    eventsChanged: total - inserted,
    eventsRemoved: removed.rowCount ?? 0,
    contributorsFound: stats.users,
    bytesProcessed: Number(stats.bytes),
  };
}
