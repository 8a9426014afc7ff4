import type pg from 'pg';

// Any constant: one recalculation at a time per warehouse, across processes.
const RECALC_LOCK = 7_265_120_616;

const COUNTS = ['commit', 'pr_opened', 'pr_merged', 'pr_reviewed', 'issue_opened', 'issue_closed', 'comment', 'release'] as const;

export interface RecalcResult {
  recalcId: number;
  kind: 'full' | 'incremental';
  /** Why an incremental request ran in full (first run, weights or settings changed). */
  upgradedBecause: string | null;
  pairsRecomputed: number;
  repositoriesReranked: number;
  rankChanges: number;
  contributors: number;
  /** Milliseconds until the boards were current (the scores committed; ranks are read through views). */
  scoresMs: number;
  /** Milliseconds of the rank snapshots that followed (their own transaction). */
  snapshotsMs: number;
  /** Milliseconds per phase (take, aggregate, repository scores, global scores, rank snapshots, commit). */
  timingsMs: Record<string, number>;
}

const CONFIG_STAMP = `SELECT GREATEST((SELECT updated_at FROM leaderboard_settings), (SELECT max(updated_at) FROM scoring_weights)) AS stamp`;

const TYPE_LIST = COUNTS.map((t) => `'${t}'`).join(', ');

/**
 * base_score, line_bonus and total_score of a row of counts and lines (alias a) under the weights
 * and settings (wp): in integer hundredths and ten-thousandths of a point (the weights' scales),
 * exact like numeric and much cheaper per row, turned back into numeric once.
 */
const SCORE = `CROSS JOIN LATERAL (SELECT
  ((${COUNTS.map((t) => `a.${t}_count * wp.w_${t}`).join(' + ')})::numeric / 100)::numeric(12, 2) AS base_score,
  round(LEAST(a.lines_added * wp.la + a.lines_deleted * wp.ld, wp.cap)::numeric / 10000, 2)::numeric(12, 2) AS line_bonus) b`;

const CONFIG_CTES = `s AS (SELECT * FROM leaderboard_settings),
wp AS (SELECT ${COUNTS.map((t) => `(COALESCE(max(base_points) FILTER (WHERE event_type = '${t}'), 0) * 100)::bigint AS w_${t}`).join(', ')},
  (SELECT (line_added_weight * 10000)::bigint FROM s) AS la, (SELECT (line_deleted_weight * 10000)::bigint FROM s) AS ld, (SELECT (line_bonus_cap * 10000)::bigint FROM s) AS cap
  FROM scoring_weights),
-- Contributors on the boards: not bots (the warehouse's flag or a pattern of the settings), not ghosts.
scored AS (SELECT c.id FROM contributors c CROSS JOIN s WHERE NOT c.is_bot AND NOT c.is_ghost AND NOT (c.username ILIKE ANY (s.bot_patterns)))`;

/**
 * The events of the pairs in lb_pairs (or of all pairs), scored: counts per type, lines, the
 * line bonus capped per contributor and repository, first and last contribution. Bots and
 * ghosts have no row.
 */
function aggregateSql(full: boolean): string {
  return `
WITH ${CONFIG_CTES},
-- Grouped before the contributors are checked: 20,000 contributors' pairs, not a million events, meet the bot filter.
agg AS (
  SELECT e.repository_id, e.user_id,
    ${COUNTS.map((t) => `count(*) FILTER (WHERE e.event_type = '${t}')::int AS ${t}_count`).join(',\n    ')},
    COALESCE(sum(e.lines_added), 0)::bigint AS lines_added, COALESCE(sum(e.lines_deleted), 0)::bigint AS lines_deleted,
    min(e.event_timestamp) AS first_contribution_at, max(e.event_timestamp) AS last_contribution_at
  FROM contribution_events e ${full ? '' : 'JOIN lb_pairs p ON p.repository_id = e.repository_id AND p.user_id = e.user_id'}
  CROSS JOIN s
  WHERE e.event_type IN (${TYPE_LIST})
    AND NOT (e.event_type = 'pr_reviewed' AND NOT s.count_self_reviews AND COALESCE((e.event_data ->> 'self')::boolean, false))
  GROUP BY e.repository_id, e.user_id
),
x AS (
  SELECT a.*, b.base_score, b.line_bonus, b.base_score + b.line_bonus AS total_score
  FROM agg a JOIN scored c ON c.id = a.user_id CROSS JOIN wp CROSS JOIN s
  ${SCORE}
)`;
}

/** The stored columns of a repository row, as the recalculation computes them. */
const COLS = ['total_score', 'base_score', 'line_bonus', ...COUNTS.map((t) => `${t}_count`), 'lines_added', 'lines_deleted', 'first_contribution_at', 'last_contribution_at'];
const differs = (a: string, b: string) => `(${COLS.map((c) => `${a}.${c}`).join(', ')}) IS DISTINCT FROM (${COLS.map((c) => `${b}.${c}`).join(', ')})`;

/**
 * A full run's changes to repository_scores (lb_diff: insert, update or delete per pair), found
 * by one hash full join of every pair's new row with the stored ones.
 */
const FULL_DIFF = `
CREATE TEMP TABLE lb_diff ON COMMIT DROP AS ${aggregateSql(true)}
SELECT CASE WHEN r.user_id IS NULL THEN 'insert' WHEN x.user_id IS NULL THEN 'delete' ELSE 'update' END AS op,
  COALESCE(x.repository_id, r.repository_id) AS repository_id, COALESCE(x.user_id, r.user_id) AS user_id, ${COLS.map((c) => `x.${c}`).join(', ')}
FROM x FULL JOIN repository_scores r ON r.repository_id = x.repository_id AND r.user_id = x.user_id
WHERE r.user_id IS NULL OR x.user_id IS NULL OR ${differs('r', 'x')}`;

/**
 * An incremental run's changes: its recomputed and added-to pairs (lb_agg) against the stored
 * rows, looked up by key, with what they replace (o_*: the global board adds the difference).
 */
const INCREMENTAL_DIFF = `
CREATE TEMP TABLE lb_diff ON COMMIT DROP AS
SELECT CASE WHEN r.user_id IS NULL THEN 'insert' ELSE 'update' END AS op, a.repository_id, a.user_id, ${COLS.map((c) => `a.${c}`).join(', ')}, ${COLS.map((c) => `r.${c} AS o_${c}`).join(', ')}
FROM lb_agg a LEFT JOIN LATERAL (SELECT * FROM repository_scores r WHERE r.repository_id = a.repository_id AND r.user_id = a.user_id LIMIT 1) r ON true
WHERE r.user_id IS NULL OR ${differs('r', 'a')}
UNION ALL
SELECT 'delete', r.repository_id, r.user_id, ${COLS.map(() => 'NULL').join(', ')}, ${COLS.map((c) => `r.${c}`).join(', ')}
FROM lb_pairs p JOIN LATERAL (SELECT * FROM repository_scores r WHERE r.repository_id = p.repository_id AND r.user_id = p.user_id LIMIT 1) r ON true
WHERE NOT EXISTS (SELECT 1 FROM lb_agg a WHERE a.repository_id = p.repository_id AND a.user_id = p.user_id)`;

const GCOLS = ['total_score', 'repositories_contributed', ...COUNTS.map((t) => `${t}_count`), 'lines_added', 'lines_deleted', 'first_contribution_at', 'last_contribution_at'];
const SUMMED = ['total_score', ...COUNTS.map((t) => `${t}_count`), 'lines_added', 'lines_deleted'];

/**
 * An incremental run's changes to the global board, per contributor: the differences of their
 * changed repository rows, added to the global row — or, when a row left or a contribution range
 * narrowed (only recomputed pairs do that), recompute = true: summed again from their rows.
 */
const GLOBAL_DELTA = `
CREATE TEMP TABLE lb_gdelta ON COMMIT DROP AS
SELECT user_id,
  bool_or(op = 'delete' OR (op = 'update' AND (first_contribution_at > o_first_contribution_at OR last_contribution_at < o_last_contribution_at))) AS recompute,
  ${SUMMED.map((c) => `sum(COALESCE(${c}, 0) - COALESCE(o_${c}, 0)) AS ${c}`).join(', ')},
  sum(CASE op WHEN 'insert' THEN 1 WHEN 'delete' THEN -1 ELSE 0 END)::int AS repositories_contributed,
  min(first_contribution_at) AS first_contribution_at, max(last_contribution_at) AS last_contribution_at
FROM lb_diff GROUP BY user_id`;

/** Adds lb_gdelta's differences to the global rows of the contributors not recomputed; a newcomer's row is the difference itself. */
const GLOBAL_APPLY = `
WITH up AS (
  UPDATE global_scores g SET ${SUMMED.map((c) => `${c} = g.${c} + d.${c}`).join(', ')}, repositories_contributed = g.repositories_contributed + d.repositories_contributed,
    first_contribution_at = LEAST(g.first_contribution_at, d.first_contribution_at), last_contribution_at = GREATEST(g.last_contribution_at, d.last_contribution_at),
    prev_total_score = g.total_score, prev_first_contribution_at = g.first_contribution_at, score_recalc_id = $1, updated_at = now()
  FROM lb_gdelta d WHERE NOT d.recompute AND d.user_id = g.user_id
  RETURNING g.user_id)
INSERT INTO global_scores (user_id, score_recalc_id, ${GCOLS.join(', ')})
SELECT d.user_id, $1, ${GCOLS.map((c) => `d.${c}`).join(', ')} FROM lb_gdelta d
WHERE NOT d.recompute AND NOT EXISTS (SELECT 1 FROM global_scores g WHERE g.user_id = d.user_id)`;

/**
 * Writes lb_diff: rows deleted, changed ones updated keeping what they replace (the board's
 * previous ranks are read from it), new ones inserted. Returns the repositories touched.
 */
const APPLY_DIFF = `
WITH del AS (
  DELETE FROM repository_scores r USING lb_diff d WHERE d.op = 'delete' AND r.repository_id = d.repository_id AND r.user_id = d.user_id
  RETURNING r.repository_id),
up AS (
  UPDATE repository_scores r SET ${COLS.map((c) => `${c} = d.${c}`).join(', ')},
    prev_total_score = r.total_score, prev_first_contribution_at = r.first_contribution_at, score_recalc_id = $1, updated_at = now()
  FROM lb_diff d WHERE d.op = 'update' AND r.repository_id = d.repository_id AND r.user_id = d.user_id
  RETURNING r.repository_id),
ins AS (
  INSERT INTO repository_scores (repository_id, user_id, score_recalc_id, ${COLS.join(', ')})
  SELECT repository_id, user_id, $1, ${COLS.join(', ')} FROM lb_diff WHERE op = 'insert'
  RETURNING repository_id)
SELECT COALESCE(array_agg(DISTINCT repository_id), '{}') AS ids FROM (SELECT repository_id FROM del UNION ALL SELECT repository_id FROM up UNION ALL SELECT repository_id FROM ins) t`;

/**
 * The pairs with only inserted events since the last run (lb_delta, not in lb_pairs): their
 * stored row plus what was inserted — counts and lines added, first and last contribution
 * widened; self-reviews added when the settings count them. A pair whose new events all left
 * out (self-reviews) and had no row stays without one, as a full run would have it.
 */
const DELTA_APPLY = `
INSERT INTO lb_agg
WITH ${CONFIG_CTES},
a AS (
  SELECT d.repository_id, d.user_id,
    ${COUNTS.map((t) => `COALESCE(o.${t}_count, 0) + d.${t}_count${t === 'pr_reviewed' ? ' + CASE WHEN s.count_self_reviews THEN d.self_review_count ELSE 0 END' : ''} AS ${t}_count`).join(',\n    ')},
    COALESCE(o.lines_added, 0) + d.lines_added + CASE WHEN s.count_self_reviews THEN d.self_lines_added ELSE 0 END AS lines_added,
    COALESCE(o.lines_deleted, 0) + d.lines_deleted + CASE WHEN s.count_self_reviews THEN d.self_lines_deleted ELSE 0 END AS lines_deleted,
    LEAST(o.first_contribution_at, d.first_at, CASE WHEN s.count_self_reviews THEN d.self_first_at END) AS first_contribution_at,
    GREATEST(o.last_contribution_at, d.last_at, CASE WHEN s.count_self_reviews THEN d.self_last_at END) AS last_contribution_at
  FROM lb_delta d
  JOIN scored c ON c.id = d.user_id
  CROSS JOIN s
  -- One index probe per pair (LIMIT keeps it a lookup, never a scan of every stored row).
  LEFT JOIN LATERAL (SELECT * FROM repository_scores o WHERE o.repository_id = d.repository_id AND o.user_id = d.user_id LIMIT 1) o ON true
  WHERE NOT EXISTS (SELECT 1 FROM lb_pairs p WHERE p.repository_id = d.repository_id AND p.user_id = d.user_id)
)
SELECT a.*, b.base_score, b.line_bonus, b.base_score + b.line_bonus AS total_score
FROM a CROSS JOIN wp CROSS JOIN s
${SCORE}
WHERE a.first_contribution_at IS NOT NULL`;

/** What leaderboard_deltas holds, summed per pair (one row per pair and inserting statement there). */
const DELTA_TAKE = `
CREATE TEMP TABLE lb_delta ON COMMIT DROP AS
WITH d AS (DELETE FROM leaderboard_deltas RETURNING *)
SELECT repository_id, user_id,
  ${COUNTS.map((t) => `sum(${t}_count)::int AS ${t}_count`).join(', ')},
  sum(lines_added)::bigint AS lines_added, sum(lines_deleted)::bigint AS lines_deleted, min(first_at) AS first_at, max(last_at) AS last_at,
  sum(self_review_count)::int AS self_review_count, sum(self_lines_added)::bigint AS self_lines_added, sum(self_lines_deleted)::bigint AS self_lines_deleted,
  min(self_first_at) AS self_first_at, max(self_last_at) AS self_last_at
FROM d GROUP BY repository_id, user_id`;

/**
 * Recalculates the leaderboards: the scores in one transaction, then the rank snapshots in
 * another. Incremental: only the (repository,
 * contributor) pairs with events inserted, changed or removed since the last run — inserted ones
 * added to the stored row (leaderboard_deltas, filled by triggers: totals grow, never replaced by
 * a window's share), changed or removed ones recomputed from all their events
 * (leaderboard_dirty) — and only the scores that changed are written (ranks are read through the
 * boards' views, so one contributor's gain rewrites no one else's row). Full: every pair from
 * every event. Both give the same boards. rank_history keeps the new and previous ranks of the
 * rescored rows whose rank moved, not every shift they caused.
 */
export async function recalculate(pool: pg.Pool, o: { full: boolean; runId?: string | null; signal?: AbortSignal }): Promise<RecalcResult> {
  const client = await pool.connect();
  let upgradedBecause: string | null = null;
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const r = await fn();
    const now = performance.now();
    timings[name] = Math.round((timings[name] ?? 0) + now - mark);
    mark = now;
    return r;
  };
  const started = performance.now();
  let scoresMs: number;
  let locked = false;
  try {
    // One recalculation at a time, across its two transactions (scores, then snapshots).
    await client.query('SELECT pg_advisory_lock($1)', [RECALC_LOCK]);
    locked = true;
    await client.query('BEGIN');
    // A full run over millions of events may outlast the pool's interactive statement timeout; the job's own deadline bounds it.
    // Room for the aggregates and the ranks' sorts in memory (the default 4 MB spills them to disk).
    await client.query("SET LOCAL statement_timeout = '30min'; SET LOCAL work_mem = '64MB'");
    // Writers of events (a scrape, a repository's deletion) wait until this commits, and this waits
    // for those under way: the events read below are exactly those whose deltas and marks are
    // taken — none counted twice or missed. Readers go on. (Taken on the events table, which every
    // writer locks first, so a writer never holds one trigger table while waiting for the other.)
    await client.query('LOCK TABLE contribution_events IN SHARE MODE');
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

    mark = performance.now();
    // Pairs recomputed from their events (changed or removed ones) and pairs added to (deltas).
    let recomputed = 0;
    let added = 0;
    await step('take', async () => {
      await client.query('CREATE TEMP TABLE lb_pairs (repository_id uuid NOT NULL, user_id uuid NOT NULL, PRIMARY KEY (repository_id, user_id)) ON COMMIT DROP');
      if (full) {
        await client.query('DELETE FROM leaderboard_dirty');
        await client.query('DELETE FROM leaderboard_deltas');
      } else {
        recomputed = (await client.query('WITH d AS (DELETE FROM leaderboard_dirty RETURNING repository_id, user_id) INSERT INTO lb_pairs SELECT repository_id, user_id FROM d ON CONFLICT DO NOTHING')).rowCount ?? 0;
        added = (await client.query(DELTA_TAKE)).rowCount ?? 0;
        // Without statistics the planner would take the pairs for thousands and scan every event.
        if (recomputed) await client.query('ANALYZE lb_pairs');
      }
    });
    o.signal?.throwIfAborted();
    await step('aggregate', async () => {
      if (full) await client.query(FULL_DIFF);
      else {
        // Only inserted events (the usual case): no pair is read again from its events.
        await client.query(`CREATE TEMP TABLE lb_agg ON COMMIT DROP AS ${aggregateSql(false)} SELECT * FROM x ${recomputed ? '' : 'WITH NO DATA'}`);
        await client.query(DELTA_APPLY);
        await client.query(INCREMENTAL_DIFF);
      }
    });

    const touchedRepos = await step('repository scores', async () => {
      // The changes are a small share of the stored rows (or all inserts): probe those by key. A
      // hash join, costed as cheaper, would read and hash every stored row for a few thousand.
      await client.query('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
      const ids = (await client.query(APPLY_DIFF, [recalcId])).rows[0].ids as string[];
      await client.query('SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on');
      return ids;
    });
    // The pairs this run recomputed (changed or removed events; all in a full run) or added to.
    const pairs =
      !full && !recomputed
        ? added
        : ((
            await client.query(
              full
                ? 'SELECT count(*)::int AS n FROM repository_scores'
                : 'SELECT ((SELECT count(*) FROM lb_pairs) + (SELECT count(*) FROM lb_delta d WHERE NOT EXISTS (SELECT 1 FROM lb_pairs p WHERE p.repository_id = d.repository_id AND p.user_id = d.user_id)))::int AS n',
            )
          ).rows[0].n as number);
    o.signal?.throwIfAborted();

    // The global scores: a full run sums every contributor's repository rows again; an
    // incremental one adds the differences (lb_gdelta) and sums again only where a row left.
    await step('global scores', async () => {
      let userScope = '';
      if (!full) {
        await client.query(GLOBAL_DELTA);
        await client.query('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
        await client.query(GLOBAL_APPLY, [recalcId]);
        // Added-to pairs only widen a contributor's range and never leave: nothing to sum again.
        if (!recomputed) return;
        userScope = 'WHERE r.user_id IN (SELECT user_id FROM lb_gdelta WHERE recompute)';
      }
      // Whether each contributor has a global row is looked up once (existed): an insert probing
      // the table it fills, costed as empty on a first run, would scan it again for every row.
      await client.query(`
        CREATE TEMP TABLE lb_gagg ON COMMIT DROP AS
        SELECT a.*, g.user_id IS NOT NULL AS existed FROM (
          SELECT r.user_id, sum(r.total_score)::numeric(14, 2) AS total_score, count(*)::int AS repositories_contributed,
            ${COUNTS.map((t) => `sum(r.${t}_count)::int AS ${t}_count`).join(', ')},
            sum(r.lines_added)::bigint AS lines_added, sum(r.lines_deleted)::bigint AS lines_deleted,
            min(r.first_contribution_at) AS first_contribution_at, max(r.last_contribution_at) AS last_contribution_at
          FROM repository_scores r ${userScope} GROUP BY r.user_id) a
        LEFT JOIN global_scores g ON g.user_id = a.user_id`);
      await client.query('ANALYZE lb_gagg');
      await client.query(
        full
          ? 'DELETE FROM global_scores g WHERE NOT EXISTS (SELECT 1 FROM lb_gagg a WHERE a.user_id = g.user_id)'
          : `DELETE FROM global_scores g WHERE g.user_id IN (SELECT user_id FROM lb_gdelta WHERE recompute) AND NOT EXISTS (SELECT 1 FROM lb_gagg a WHERE a.user_id = g.user_id)`,
      );
      await client.query(
        `WITH up AS (
           UPDATE global_scores g SET ${GCOLS.map((c) => `${c} = a.${c}`).join(', ')},
             prev_total_score = g.total_score, prev_first_contribution_at = g.first_contribution_at, score_recalc_id = $1, updated_at = now()
           FROM lb_gagg a WHERE a.existed AND a.user_id = g.user_id
             AND (${GCOLS.map((c) => `g.${c}`).join(', ')}) IS DISTINCT FROM (${GCOLS.map((c) => `a.${c}`).join(', ')})
           RETURNING g.user_id)
         INSERT INTO global_scores (user_id, score_recalc_id, ${GCOLS.join(', ')})
         SELECT a.user_id, $1, ${GCOLS.map((c) => `a.${c}`).join(', ')} FROM lb_gagg a WHERE NOT a.existed`,
        [recalcId],
      );
    });
    o.signal?.throwIfAborted();

    const users = (await client.query('SELECT count(*)::int AS n FROM global_scores')).rows[0].n as number;
    await client.query('UPDATE leaderboard_recalcs SET finished_at = clock_timestamp(), pairs_recomputed = $2, repositories_reranked = $3 WHERE id = $1', [recalcId, pairs, touchedRepos.length]);
    await step('commit', () => client.query('COMMIT'));
    // The boards are current from here: their ranks are read through the views.
    scoresMs = performance.now() - started;

    // Snapshots, in their own transaction (writers of events no longer wait): the new and previous
    // ranks of the rows this run rescored whose rank moved — computed by the boards' views over
    // the repositories this run touched. A crash here loses this run's history entries, never a score.
    const rankChanges = await step('rank snapshots', async () => {
      await client.query('BEGIN');
      await client.query("SET LOCAL statement_timeout = '30min'; SET LOCAL work_mem = '64MB'");
      const repoHist = await client.query(
        `INSERT INTO rank_history (recalc_id, repository_id, user_id, rank, previous_rank, total_score)
         SELECT $1, v.repository_id, v.user_id, v.rank, v.previous_rank, v.total_score FROM repository_leaderboards v
         WHERE v.repository_id = ANY ($2::uuid[]) AND v.score_recalc_id = $1 AND v.rank IS DISTINCT FROM v.previous_rank`,
        [recalcId, touchedRepos],
      );
      const globalHist = await client.query(
        `INSERT INTO rank_history (recalc_id, repository_id, user_id, rank, previous_rank, total_score)
         SELECT $1, NULL, v.user_id, v.global_rank, v.previous_rank, v.total_score FROM global_leaderboard v
         WHERE v.score_recalc_id = $1 AND v.global_rank IS DISTINCT FROM v.previous_rank`,
        [recalcId],
      );
      const n = (repoHist.rowCount ?? 0) + (globalHist.rowCount ?? 0);
      await client.query('UPDATE leaderboard_recalcs SET rank_changes = $2 WHERE id = $1', [recalcId, n]);
      await client.query('COMMIT');
      return n;
    });
    return {
      recalcId,
      kind,
      upgradedBecause,
      pairsRecomputed: pairs,
      repositoriesReranked: touchedRepos.length,
      rankChanges,
      contributors: users,
      scoresMs: Math.round(scoresMs),
      snapshotsMs: Math.round(performance.now() - started - scoresMs),
      timingsMs: timings,
    };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    // A connection that cannot unlock is dropped (its session lock goes with it).
    const unlocked = !locked || (await client.query('SELECT pg_advisory_unlock($1)', [RECALC_LOCK]).then(() => true, () => false));
    client.release(!unlocked);
  }
}
