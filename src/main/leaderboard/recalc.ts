import type pg from 'pg';

// Any constant: one recalculation at a time per warehouse, across processes.
const RECALC_LOCK = 7_265_120_616;

const COUNTS = ['commit', 'pr_opened', 'pr_merged', 'pr_reviewed', 'issue_opened', 'issue_closed', 'comment', 'release'] as const;
const countCols = COUNTS.map((t) => `${t}_count`).join(', ');

export interface RecalcResult {
  recalcId: number;
  kind: 'full' | 'incremental';
  /** Why an incremental request ran in full (first run, weights or settings changed). */
  upgradedBecause: string | null;
  pairsRecomputed: number;
  repositoriesReranked: number;
  rankChanges: number;
  contributors: number;
}

const CONFIG_STAMP = `SELECT GREATEST((SELECT updated_at FROM leaderboard_settings), (SELECT max(updated_at) FROM scoring_weights)) AS stamp`;

/**
 * The events of the pairs in lb_pairs (or of all pairs), scored: counts per type, lines, the
 * line bonus capped per contributor and repository, first and last contribution. Bots (the
 * warehouse's flag or a pattern of the settings) and ghosts have no row.
 */
function aggregateSql(full: boolean): string {
  return `
CREATE TEMP TABLE lb_agg ON COMMIT DROP AS
WITH s AS (SELECT * FROM leaderboard_settings),
wp AS (SELECT ${COUNTS.map((t) => `COALESCE(max(base_points) FILTER (WHERE event_type = '${t}'), 0) AS w_${t}`).join(', ')} FROM scoring_weights),
ev AS (
  SELECT e.repository_id, e.user_id, e.event_type, e.lines_added, e.lines_deleted, e.event_timestamp
  FROM contribution_events e ${full ? '' : 'JOIN lb_pairs p ON p.repository_id = e.repository_id AND p.user_id = e.user_id'}
  JOIN contributors c ON c.id = e.user_id
  CROSS JOIN s
  WHERE NOT c.is_bot AND NOT c.is_ghost AND NOT (c.username ILIKE ANY (s.bot_patterns))
    AND NOT (e.event_type = 'pr_reviewed' AND NOT s.count_self_reviews AND COALESCE((e.event_data ->> 'self')::boolean, false))
),
agg AS (
  SELECT repository_id, user_id,
    ${COUNTS.map((t) => `count(*) FILTER (WHERE event_type = '${t}')::int AS ${t}_count`).join(',\n    ')},
    COALESCE(sum(lines_added), 0)::bigint AS lines_added, COALESCE(sum(lines_deleted), 0)::bigint AS lines_deleted,
    min(event_timestamp) AS first_contribution_at, max(event_timestamp) AS last_contribution_at
  FROM ev GROUP BY repository_id, user_id
)
SELECT a.*, b.base_score, b.line_bonus, b.base_score + b.line_bonus AS total_score
FROM agg a CROSS JOIN wp CROSS JOIN s
CROSS JOIN LATERAL (SELECT
  (${COUNTS.map((t) => `a.${t}_count * wp.w_${t}`).join(' + ')})::numeric(12, 2) AS base_score,
  round(LEAST(a.lines_added * s.line_added_weight + a.lines_deleted * s.line_deleted_weight, s.line_bonus_cap), 2)::numeric(12, 2) AS line_bonus) b`;
}

/**
 * Recalculates the leaderboards in one transaction. Incremental: only the (repository,
 * contributor) pairs whose events changed since the last run (leaderboard_dirty, filled by
 * triggers) are recomputed — from all their events, so totals grow with new events and are never
 * replaced by a window's share — and only the scores that changed are written (ranks are read
 * through the boards' views, so one contributor's gain rewrites no one else's row). Full: every
 * pair. Both give the same boards. rank_history keeps the new and previous ranks of the rescored
 * rows whose rank moved, not every shift they caused.
 */
export async function recalculate(pool: pg.Pool, o: { full: boolean; runId?: string | null; signal?: AbortSignal }): Promise<RecalcResult> {
  const client = await pool.connect();
  let upgradedBecause: string | null = null;
  try {
    await client.query('BEGIN');
    // A full run over millions of events may outlast the pool's interactive statement timeout; the job's own deadline bounds it.
    await client.query("SET LOCAL statement_timeout = '30min'");
    await client.query('SELECT pg_advisory_xact_lock($1)', [RECALC_LOCK]);
    const stamp = (await client.query(CONFIG_STAMP)).rows[0].stamp as Date;
    let full = o.full;
    if (!full) {
      const last = (await client.query('SELECT config_stamp FROM leaderboard_recalcs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1')).rows[0];
      if (!last) upgradedBecause = 'no earlier recalculation';
      else if (!last.config_stamp || new Date(last.config_stamp).getTime() !== stamp.getTime()) upgradedBecause = 'weights or settings changed since the last recalculation';
      full = upgradedBecause !== null;
    }
    const kind = full ? 'full' : 'incremental';
    const recalcId = Number((await client.query('INSERT INTO leaderboard_recalcs (job_run_id, kind, config_stamp) VALUES ($1, $2, $3) RETURNING id', [o.runId ?? null, kind, stamp])).rows[0].id);

    await client.query('CREATE TEMP TABLE lb_pairs (repository_id uuid NOT NULL, user_id uuid NOT NULL, PRIMARY KEY (repository_id, user_id)) ON COMMIT DROP');
    if (full) {
      await client.query('DELETE FROM leaderboard_dirty');
    } else {
      await client.query('WITH d AS (DELETE FROM leaderboard_dirty RETURNING repository_id, user_id) INSERT INTO lb_pairs SELECT repository_id, user_id FROM d ON CONFLICT DO NOTHING');
      await client.query('ANALYZE lb_pairs');
    }
    o.signal?.throwIfAborted();
    await client.query(aggregateSql(full));
    const pairs = (await client.query(full ? 'SELECT count(*)::int AS n FROM lb_agg' : 'SELECT count(*)::int AS n FROM lb_pairs')).rows[0].n as number;

    // Repository scores: drop pairs with no scored events left, then write the recomputed ones that
    // changed, keeping what they replace (the board's previous ranks are read from it).
    await client.query(
      full
        ? 'DELETE FROM repository_scores r WHERE NOT EXISTS (SELECT 1 FROM lb_agg a WHERE a.repository_id = r.repository_id AND a.user_id = r.user_id)'
        : `DELETE FROM repository_scores r USING lb_pairs p WHERE r.repository_id = p.repository_id AND r.user_id = p.user_id
             AND NOT EXISTS (SELECT 1 FROM lb_agg a WHERE a.repository_id = r.repository_id AND a.user_id = r.user_id)`,
    );
    const cols = `total_score, base_score, line_bonus, ${countCols}, lines_added, lines_deleted, first_contribution_at, last_contribution_at`;
    await client.query(
      `INSERT INTO repository_scores AS r (repository_id, user_id, score_recalc_id, ${cols})
       SELECT repository_id, user_id, $1, ${cols} FROM lb_agg
       ON CONFLICT (repository_id, user_id) DO UPDATE SET ${cols.split(', ').map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
         prev_total_score = r.total_score, prev_first_contribution_at = r.first_contribution_at, score_recalc_id = $1, updated_at = now()
       WHERE (${cols.split(', ').map((c) => `r.${c}`).join(', ')}) IS DISTINCT FROM (${cols.split(', ').map((c) => `EXCLUDED.${c}`).join(', ')})`,
      [recalcId],
    );
    const touchedRepos = (await client.query('SELECT count(DISTINCT repository_id)::int AS n FROM repository_scores WHERE score_recalc_id = $1', [recalcId])).rows[0].n as number;
    o.signal?.throwIfAborted();

    // The global scores: the touched contributors' sums over their repository rows.
    const userScope = full ? '' : 'WHERE r.user_id IN (SELECT DISTINCT user_id FROM lb_pairs)';
    await client.query(`
      CREATE TEMP TABLE lb_gagg ON COMMIT DROP AS
      SELECT r.user_id, sum(r.total_score)::numeric(14, 2) AS total_score, count(*)::int AS repositories_contributed,
        ${COUNTS.map((t) => `sum(r.${t}_count)::int AS ${t}_count`).join(', ')},
        sum(r.lines_added)::bigint AS lines_added, sum(r.lines_deleted)::bigint AS lines_deleted,
        min(r.first_contribution_at) AS first_contribution_at, max(r.last_contribution_at) AS last_contribution_at
      FROM repository_scores r ${userScope} GROUP BY r.user_id`);
    await client.query(
      full
        ? 'DELETE FROM global_scores g WHERE NOT EXISTS (SELECT 1 FROM lb_gagg a WHERE a.user_id = g.user_id)'
        : `DELETE FROM global_scores g WHERE g.user_id IN (SELECT DISTINCT user_id FROM lb_pairs) AND NOT EXISTS (SELECT 1 FROM lb_gagg a WHERE a.user_id = g.user_id)`,
    );
    const gcols = `total_score, repositories_contributed, ${countCols}, lines_added, lines_deleted, first_contribution_at, last_contribution_at`;
    await client.query(
      `INSERT INTO global_scores AS g (user_id, score_recalc_id, ${gcols})
       SELECT user_id, $1, ${gcols} FROM lb_gagg
       ON CONFLICT (user_id) DO UPDATE SET ${gcols.split(', ').map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
         prev_total_score = g.total_score, prev_first_contribution_at = g.first_contribution_at, score_recalc_id = $1, updated_at = now()
       WHERE (${gcols.split(', ').map((c) => `g.${c}`).join(', ')}) IS DISTINCT FROM (${gcols.split(', ').map((c) => `EXCLUDED.${c}`).join(', ')})`,
      [recalcId],
    );
    o.signal?.throwIfAborted();

    // Snapshots: the new and previous ranks of the rows this run rescored whose rank moved (ranks
    // are computed when read: the boards' views, over the repositories this run touched).
    const repoHist = await client.query(
      `INSERT INTO rank_history (recalc_id, repository_id, user_id, rank, previous_rank, total_score)
       SELECT $1, v.repository_id, v.user_id, v.rank, v.previous_rank, v.total_score FROM repository_leaderboards v
       WHERE v.score_recalc_id = $1 AND v.rank IS DISTINCT FROM v.previous_rank`,
      [recalcId],
    );
    const globalHist = await client.query(
      `INSERT INTO rank_history (recalc_id, repository_id, user_id, rank, previous_rank, total_score)
       SELECT $1, NULL, v.user_id, v.global_rank, v.previous_rank, v.total_score FROM global_leaderboard v
       WHERE v.score_recalc_id = $1 AND v.global_rank IS DISTINCT FROM v.previous_rank`,
      [recalcId],
    );
    const users = (await client.query('SELECT count(*)::int AS n FROM global_scores')).rows[0].n as number;
    const rankChanges = (repoHist.rowCount ?? 0) + (globalHist.rowCount ?? 0);
    await client.query('UPDATE leaderboard_recalcs SET finished_at = clock_timestamp(), pairs_recomputed = $2, repositories_reranked = $3, rank_changes = $4 WHERE id = $1', [
      recalcId,
      pairs,
      touchedRepos,
      rankChanges,
    ]);
    await client.query('COMMIT');
    return { recalcId, kind, upgradedBecause, pairsRecomputed: pairs, repositoriesReranked: touchedRepos, rankChanges, contributors: users };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
