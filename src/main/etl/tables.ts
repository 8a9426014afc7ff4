import type pg from 'pg';
import { ALL_TIME, tablesOf, WINDOWS, type EngineerTable } from './names.ts';
import { RUBRIC_VERSION } from './rubric.ts';

type Db = Pick<pg.ClientBase, 'query'>;

export interface RefreshOptions {
  /** IANA zone whose calendar days the tables count in. */
  timeZone: string;
  /** The windows' end date (YYYY-MM-DD); today in `timeZone` when absent. */
  asOf?: string | null;
  force: boolean;
}

export interface RefreshResult {
  table: EngineerTable;
  repo: string;
  mode: 'full' | 'incremental' | 'unchanged';
  reason: string;
  changes: number;
  rows: number;
}

interface State {
  last_seq: number;
  time_zone: string;
  start_date: string | null;
  end_date: string | null;
  rubric: number;
}

const WINDOWED = new Set<EngineerTable>(['author_metrics_window', 'author_prs_window', 'author_file_ownership']);

/** The calendar day of a timestamptz expression in the run's zone ($tz is always parameter 2). */
const day = (expr: string, tz = '$2') => `((${expr}) AT TIME ZONE ${tz})::date`;

/**
 * Refreshes one Engineer Lens table for one repository in the caller's transaction: a full
 * rebuild when forced, never built, or built with another zone, rubric or window dates;
 * otherwise only what the change log's entries since its last refresh touched.
 */
export interface Decision {
  full: boolean;
  reason: string;
  changes: number;
  lastSeq: number | null;
  maxSeq: number;
  startDate: string | null;
  endDate: string;
  refreshedAt: Date | null;
}

/** Whether a table needs a rebuild or only the changes since its last refresh (read-only: also the explain plan). */
export async function decide(db: Db, schema: string, table: EngineerTable, repo: string, opts: RefreshOptions): Promise<Decision> {
  const T = tablesOf(schema);
  // In one statement (a round trip per table and repository counts on a busy machine): the table's
  // state; the change log's entries for this repository since its last refresh, and the newest;
  // the windows' end date; and the first created day — the earliest instant's local day, or a day
  // of an instant within two days of it (zone offsets differ by at most 26 h), through the
  // (repo_name, created_at) index.
  const row = (await db.query(
    `WITH st AS (SELECT last_seq, time_zone, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, rubric, refreshed_at
       FROM ${T.etl_state} WHERE table_name = $4 AND repo_name = $1)
     SELECT (SELECT to_jsonb(st) FROM st) AS st,
       (SELECT jsonb_build_object('s', coalesce(max(seq), 0), 'n', count(*)) FROM ${T.etl_changes} WHERE repo_name = $1 AND seq > coalesce((SELECT last_seq FROM st), -1)) AS log,
       to_char(coalesce($3::date, (now() AT TIME ZONE $2)::date), 'YYYY-MM-DD') AS end_date,
       to_char((SELECT min(${day('created_at')}) FROM ${T.repo_prs} WHERE repo_name = $1
         AND created_at < (SELECT min(created_at) FROM ${T.repo_prs} WHERE repo_name = $1) + interval '2 days'), 'YYYY-MM-DD') AS start_date`,
    [repo, opts.timeZone, opts.asOf ?? null, table],
  )).rows[0] as { st: (Omit<State, 'last_seq'> & { last_seq: string | number; refreshed_at: string }) | null; log: { s: string | number; n: number }; end_date: string; start_date: string | null };
  const st = row.st ? { ...row.st, last_seq: Number(row.st.last_seq), refreshed_at: new Date(row.st.refreshed_at) } : undefined;
  const log = row.log;
  const maxSeq = Math.max(Number(log.s), st ? st.last_seq : 0);
  const dates = { end_date: row.end_date, start_date: row.start_date };
  const windowed = WINDOWED.has(table);
  let reason = '';
  if (opts.force) reason = 'forced';
  else if (table === 'authors') reason = 'small: rebuilt on every run';
  else if (!st) reason = 'first run';
  else if (st.time_zone !== opts.timeZone) reason = `time zone changed (${st.time_zone} → ${opts.timeZone})`;
  else if (st.rubric !== RUBRIC_VERSION) reason = 'rubric changed';
  else if (windowed && st.end_date !== dates.end_date) reason = `windows end ${dates.end_date} (were ${st.end_date})`;
  else if (windowed && st.start_date !== dates.start_date) reason = `repository's first day is ${dates.start_date}`;
  const full = reason !== '';
  const changes = st ? Number(log.n) : 0;
  if (!full) reason = changes > 0 ? `${changes} change(s) since the last refresh` : 'nothing changed since the last refresh';
  return { full, reason, changes, lastSeq: st ? Number(st.last_seq) : null, maxSeq, startDate: dates.start_date, endDate: dates.end_date, refreshedAt: st?.refreshed_at ?? null };
}

/**
 * Refreshes one Engineer Lens table for one repository in the caller's transaction: a full
 * rebuild when forced, never built, or built with another zone, rubric or window dates;
 * otherwise only what the change log's entries since its last refresh touched.
 */
export async function refreshTable(db: Db, schema: string, table: EngineerTable, repo: string, opts: RefreshOptions): Promise<RefreshResult> {
  const T = tablesOf(schema);
  const d = { ...(await decide(db, schema, table, repo, opts)) };
  // The windows' incremental recount reads file ownership as of the same changes (see
  // affectedAuthors); refreshed alone or after a partial run, they are recounted in full.
  if (table === 'author_metrics_window' && !d.full && d.changes > 0) {
    const o = (await db.query(`SELECT last_seq, time_zone, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, rubric FROM ${T.etl_state} WHERE table_name = 'author_file_ownership' AND repo_name = $1`, [repo])).rows[0] as State | undefined;
    if (!o || Number(o.last_seq) !== d.maxSeq || o.time_zone !== opts.timeZone || o.start_date !== d.startDate || o.end_date !== d.endDate || o.rubric !== RUBRIC_VERSION) {
      Object.assign(d, { full: true, reason: `file ownership is not refreshed to the same changes: recounted in full (${d.reason})` });
    }
  }
  const windowed = WINDOWED.has(table);
  const ctx: Ctx = { db, T, repo, tz: opts.timeZone, end: d.endDate, startAll: d.startDate ?? d.endDate, from: d.full ? null : d.lastSeq, to: d.maxSeq };
  let rows = 0;
  // The refresh's sorts and hashes (a repository's PRs and files) stay in memory.
  await db.query("SET LOCAL work_mem = '64MB'");
  // A rebuild joins whole repositories: hash joins. Filters on the calendar-day expressions have no
  // statistics, and their default estimates (a few rows) otherwise pick nested loops over
  // tens of thousands of PRs and files.
  if (d.full) await db.query('SET LOCAL enable_nestloop = off');
  if (d.full || d.changes > 0) rows = await REFRESH[table](ctx);
  await db.query(
    `INSERT INTO ${T.etl_state} (table_name, repo_name, last_seq, time_zone, start_date, end_date, rubric, refreshed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (table_name, repo_name) DO UPDATE SET last_seq = EXCLUDED.last_seq, time_zone = EXCLUDED.time_zone, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, rubric = EXCLUDED.rubric, refreshed_at = now()`,
    [table, repo, d.maxSeq, opts.timeZone, windowed ? d.startDate : null, windowed ? d.endDate : null, RUBRIC_VERSION],
  );
  return { table, repo, mode: d.full ? 'full' : d.changes > 0 ? 'incremental' : 'unchanged', reason: d.reason, changes: d.changes, rows };
}

interface Ctx {
  db: Db;
  T: ReturnType<typeof tablesOf>;
  repo: string;
  tz: string;
  end: string;
  startAll: string;
  /** null: rebuild the repository; else the change log's (from, to] range. */
  from: number | null;
  to: number;
}

/** A window's first day. */
const startOf = (c: Ctx, w: number) => (w === ALL_TIME ? `'${c.startAll}'::date` : `'${c.end}'::date - ${w - 1}`);

/** The window definitions as a VALUES list: (window_days, start_date). */
const windowsSql = (c: Ctx) => `(VALUES ${WINDOWS.map((w) => (w === ALL_TIME ? `(${w}, '${c.startAll}'::date)` : `(${w}, '${c.end}'::date - ${w - 1})`)).join(', ')}) AS w(window_days, start_date)`;

/** A repository's PRs by people (bots left out), with their days in the run's zone. Parameters: $1 repo, $2 tz. */
const prsOf = (T: Ctx['T'], tz = '$2') => `(SELECT rp.*, ${day('rp.created_at', tz)} AS cd, ${day('rp.merged_at', tz)} AS md
  FROM ${T.repo_prs} rp JOIN ${T.etl_pr_sources} s ON s.repo_name = rp.repo_name AND s.pr_number = rp.pr_number
  WHERE rp.repo_name = $1 AND NOT s.is_bot)`;

/**
 * The net change the change log's entries in range made to file ownership, as a temp table
 * "etl_own_delta": per file, author, merged instant and lines, how many more PR versions count
 * them now than before (a new version +1, the version it replaced −1), where that is not zero.
 * People's merged PRs only, as ownership counts them: a file absent here kept every row.
 */
async function ownershipDelta(c: Ctx): Promise<void> {
  const sign = 'CASE WHEN ch.prior THEN -1 ELSE 1 END';
  await c.db.query(
    `CREATE TEMP TABLE "etl_own_delta" ON COMMIT DROP AS
     SELECT u.file_path, ch.author, ch.merged_at, u.lines, sum(${sign})::int AS n
     FROM ${c.T.etl_changes} ch CROSS JOIN LATERAL unnest(ch.files, ch.file_lines) AS u(file_path, lines)
     WHERE ch.repo_name = $1 AND ch.seq > $2 AND ch.seq <= $3 AND NOT ch.is_bot AND ch.merged_at IS NOT NULL
     GROUP BY u.file_path, ch.author, ch.merged_at, u.lines HAVING sum(${sign}) <> 0`,
    [c.repo, c.from, c.to],
  );
}

/**
 * What the changes in range may move in the windows, as temp tables: "etl_aff_authors", the
 * changed PRs' authors (old and new versions), whose window rows are recounted; "etl_own_authors",
 * the other authors whose ownership of a file crossed 50 % in a window, whose ownership counts
 * are recounted; and "etl_requal", the PRs whose ownership qualification (etl_pr_owned) is
 * redone: the changed PRs, and each crossing author's PRs on that file. A crossing is found from the ownership rows of now and the change
 * log's net delta per file and window (the author's lines and the total before = now − delta).
 * Reads author_file_ownership as refreshed to the same changes.
 */
async function affectedAuthors(c: Ctx): Promise<void> {
  const range = 'WHERE repo_name = $1 AND seq > $2 AND seq <= $3';
  await c.db.query(`CREATE TEMP TABLE "etl_aff_authors" ON COMMIT DROP AS SELECT DISTINCT author AS username FROM ${c.T.etl_changes} ${range}`, [c.repo, c.from, c.to]);
  await c.db.query(`CREATE TEMP TABLE "etl_requal" ON COMMIT DROP AS SELECT DISTINCT pr_number FROM ${c.T.etl_changes} ${range}`, [c.repo, c.from, c.to]);
  await ownershipDelta(c);
  await c.db.query(
    `CREATE TEMP TABLE "etl_flips" ON COMMIT DROP AS
     WITH d AS (
       SELECT e.file_path, e.author, w.window_days, sum(e.n * e.lines::bigint) AS da
       FROM "etl_own_delta" e JOIN ${windowsSql(c)} ON ${day('e.merged_at')} BETWEEN w.start_date AND $3::date
       GROUP BY e.file_path, e.author, w.window_days
     ), t AS (SELECT file_path, window_days, sum(da) AS dt FROM d GROUP BY file_path, window_days)
     SELECT o.username, o.window_days, o.file_path
     FROM t JOIN ${c.T.author_file_ownership} o ON o.repo_name = $1 AND o.window_days = t.window_days AND o.file_path = t.file_path
     LEFT JOIN d ON d.file_path = o.file_path AND d.window_days = o.window_days AND d.author = o.username
     WHERE (o.author_lines * 2 >= o.total_lines) <> ((o.author_lines - coalesce(d.da, 0)) * 2 >= o.total_lines - t.dt)`,
    [c.repo, c.tz, c.end],
  );
  await c.db.query('ANALYZE "etl_flips"');
  // Authors with a crossing and no changed PR: only their ownership counts can move.
  await c.db.query('CREATE TEMP TABLE "etl_own_authors" ON COMMIT DROP AS SELECT DISTINCT username FROM "etl_flips" WHERE username NOT IN (SELECT username FROM "etl_aff_authors")');
  await c.db.query(
    `INSERT INTO "etl_requal" SELECT DISTINCT f.pr_number FROM "etl_flips" x
     JOIN ${c.T.etl_pr_files} f ON f.repo_name = $1 AND f.file_path = x.file_path
     JOIN ${c.T.repo_prs} rp ON rp.repo_name = f.repo_name AND rp.pr_number = f.pr_number AND rp.author = x.username
     WHERE f.pr_number NOT IN (SELECT pr_number FROM "etl_requal")`,
    [c.repo],
  );
  await c.db.query('ANALYZE "etl_aff_authors", "etl_own_authors", "etl_requal"');
}

/**
 * Writes etl_pr_owned for the PRs `filter` selects (p: prsOf): the windows in which each merged
 * low-risk PR's every changed file (with changed lines) is at least half its author's.
 */
async function qualifyOwned(c: Ctx, filter: string): Promise<void> {
  const full = filter === '';
  // Each merged low-risk PR's files with changed lines, in every window its merged day is in.
  const keys = `SELECT p.author, w.window_days, p.pr_number, f.file_path FROM ${prsOf(c.T, '$3')} p
     JOIN ${windowsSql(c)} ON p.md BETWEEN w.start_date AND $2::date
     JOIN ${c.T.etl_pr_files} f ON f.repo_name = p.repo_name AND f.pr_number = p.pr_number AND f.additions + f.deletions > 0
     WHERE p.is_merged AND p.risk_score <= 3 ${filter}`;
  const insert = `INSERT INTO ${c.T.etl_pr_owned} (repo_name, window_days, pr_number, author)
     SELECT $1, q.window_days, q.pr_number, q.author FROM q
     LEFT JOIN ${full ? 'ow ON ow.username = q.author AND' : `${c.T.author_file_ownership} ow ON ${OWN_BY_KEY} AND ow.repo_name = $1 AND`} ow.window_days = q.window_days AND ow.file_path = q.file_path
     GROUP BY q.author, q.window_days, q.pr_number
     HAVING bool_and(coalesce(ow.author_lines * 2 >= ow.total_lines, false))`;
  if (full) {
    await c.db.query(
      `WITH ow AS MATERIALIZED (
         -- Every author's shares, hashed once (probing the index per PR, file and window cost seconds).
         SELECT p.username, p.window_days, p.file_path, p.author_lines, p.total_lines FROM ${c.T.author_file_ownership} p WHERE p.repo_name = $1
       ), q AS (${keys})
       ${insert}`,
      [c.repo, c.end, c.tz],
    );
    return;
  }
  // A few PRs: their keys first, counted, so the shares are read by primary key.
  await c.db.query(`CREATE TEMP TABLE "etl_q" ON COMMIT DROP AS ${keys}`, [c.repo, c.end, c.tz]);
  await c.db.query('ANALYZE "etl_q"');
  await c.db.query(`WITH q AS (SELECT * FROM "etl_q") ${insert}`, [c.repo]);
}

/**
 * The incremental recount's ownership lookup: one primary-key probe per (window, file, author).
 * The username is compared as an expression so the planner cannot take the author index instead
 * (it did, and then read every share of the author in the window for each file: 0.5 s a repository).
 */
const OWN_BY_KEY = "ow.username || '' = q.author";

const REFRESH: Record<EngineerTable, (c: Ctx) => Promise<number>> = {
  // Global, small (one row per person): rebuilt from repo_prs on every run.
  async authors({ db, T }) {
    // People from the staged sources (a narrow table: reading repo_prs's wide rows cost a quarter second).
    await db.query(`CREATE TEMP TABLE "etl_people" ON COMMIT DROP AS SELECT DISTINCT author AS username FROM ${T.etl_pr_sources} WHERE NOT is_bot`);
    await db.query(`DELETE FROM ${T.authors} a WHERE NOT EXISTS (SELECT 1 FROM "etl_people" p WHERE p.username = a.username)`);
    const r = await db.query(`INSERT INTO ${T.authors} (username, display_name, avatar_url)
      SELECT p.username, c.display_name, c.avatar_url FROM "etl_people" p
      LEFT JOIN LATERAL (SELECT display_name, avatar_url FROM ${T.contributors} k WHERE lower(k.username) = lower(p.username) ORDER BY k.updated_at DESC LIMIT 1) c ON true
      ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, avatar_url = EXCLUDED.avatar_url
      WHERE (${T.authors}.display_name, ${T.authors}.avatar_url) IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.avatar_url)`);
    return r.rowCount ?? 0;
  },

  // The dense daily rows are a view (author_metrics_daily): each author's span (first to last
  // submitted or merged day) in author_metrics_span, generate_series over it, joined to the days
  // with activity in author_metrics_daily_active. Only those two small tables are written.
  async author_metrics_daily(c) {
    const { db, T } = c;
    const prs = prsOf(T);
    const A = T.author_metrics_daily_active;
    const cols = '(username, repo_name, day, prs_submitted, prs_merged, lines_changed, high_risk_prs, features_merged, updated_at)';
    // Submitted, lines and high-risk count on the created day; merged and features on the merged day.
    const spans = (scope: string) => `INSERT INTO ${T.author_metrics_span} (repo_name, username, first_day, last_day, updated_at)
      SELECT $1, username, min(day), max(day), now() FROM ${A} WHERE repo_name = $1 ${scope} GROUP BY username`;
    if (c.from === null) {
      await db.query(`DELETE FROM ${A} WHERE repo_name = $1`, [c.repo]);
      await db.query(`DELETE FROM ${T.author_metrics_span} WHERE repo_name = $1`, [c.repo]);
      const r = await db.query(
        `WITH p AS ${prs},
         ev AS (SELECT author, cd AS d, 1 AS sub, 0 AS mer, additions + deletions AS lines, high_risk::int AS hr, 0 AS feat FROM p
           UNION ALL SELECT author, md, 0, 1, 0, 0, (feature_confidence > 0)::int FROM p WHERE md IS NOT NULL)
         INSERT INTO ${A} ${cols}
         SELECT author, $1, d, sum(sub)::int, sum(mer)::int, sum(lines)::bigint, sum(hr)::int, sum(feat)::int, now() FROM ev GROUP BY author, d`,
        [c.repo, c.tz],
      );
      await db.query(spans(''), [c.repo]);
      return r.rowCount ?? 0;
    }
    // Incremental: the (author, day) keys the changes touched (old and new versions), recounted
    // from the author's PRs; then the spans of the authors touched.
    await db.query(
      `CREATE TEMP TABLE "etl_aff_days" ON COMMIT DROP AS SELECT DISTINCT ch.author AS username, v.d AS day FROM ${T.etl_changes} ch
       CROSS JOIN LATERAL (VALUES (${day('ch.created_at')}), (${day('ch.merged_at')})) v(d)
       WHERE ch.repo_name = $1 AND ch.seq > $3 AND ch.seq <= $4 AND v.d IS NOT NULL`,
      [c.repo, c.tz, c.from, c.to],
    );
    await db.query(`DELETE FROM ${A} a USING "etl_aff_days" k WHERE a.repo_name = $1 AND a.username = k.username AND a.day = k.day`, [c.repo]);
    const mine = `(SELECT * FROM ${prs} x WHERE x.author IN (SELECT DISTINCT username FROM "etl_aff_days"))`;
    const up = await db.query(
      `INSERT INTO ${A} ${cols}
       SELECT a.username, $1, a.day, count(p.cd) FILTER (WHERE p.cd = a.day)::int, count(p.md) FILTER (WHERE p.md = a.day)::int,
         coalesce(sum(p.additions + p.deletions) FILTER (WHERE p.cd = a.day), 0), count(p.cd) FILTER (WHERE p.cd = a.day AND p.high_risk)::int,
         count(p.md) FILTER (WHERE p.md = a.day AND p.feature_confidence > 0)::int, now()
       FROM "etl_aff_days" a JOIN ${mine} p ON p.author = a.username AND (p.cd = a.day OR p.md = a.day)
       GROUP BY a.username, a.day`,
      [c.repo, c.tz],
    );
    const touched = 'AND username IN (SELECT username FROM "etl_aff_days")';
    await db.query(`DELETE FROM ${T.author_metrics_span} WHERE repo_name = $1 ${touched}`, [c.repo]);
    const sp = await db.query(spans(touched), [c.repo]);
    return (up.rowCount ?? 0) + (sp.rowCount ?? 0);
  },

  async author_file_ownership(c) {
    const { db, T } = c;
    let filter = '';
    let windowFilter = '';
    if (c.from === null) await db.query(`DELETE FROM ${T.author_file_ownership} WHERE repo_name = $1`, [c.repo]);
    else {
      // Only the (file, window) pairs whose counted contributions differ: a retitled PR's files keep
      // their rows, and an old PR's change leaves the recent windows' rows as they are.
      await ownershipDelta(c);
      await db.query(
        `CREATE TEMP TABLE "etl_aff_fw" ON COMMIT DROP AS SELECT DISTINCT e.file_path, w.window_days
         FROM "etl_own_delta" e JOIN ${windowsSql(c)} ON ${day('e.merged_at', '$1')} BETWEEN w.start_date AND $2::date`,
        [c.tz, c.end],
      );
      await db.query('ANALYZE "etl_aff_fw"');
      await db.query(`DELETE FROM ${T.author_file_ownership} o USING "etl_aff_fw" k WHERE o.repo_name = $1 AND o.window_days = k.window_days AND o.file_path = k.file_path`, [c.repo]);
      filter = 'AND f.file_path IN (SELECT file_path FROM "etl_aff_fw")';
      windowFilter = 'AND (v.window_days, x.file_path) IN (SELECT window_days, file_path FROM "etl_aff_fw")';
    }
    // An author's share of a file's changed lines across the PRs merged in the window: one pass
    // over the merged PRs' files, each window a FILTERed sum (NULL: no merged PR of theirs touched it then).
    const lines = WINDOWS.map((w) => `sum(f.additions + f.deletions) FILTER (WHERE p.md >= ${startOf(c, w)}) AS l_${w}, max(p.merged_at) FILTER (WHERE p.md >= ${startOf(c, w)}) AS t_${w}`).join(',\n         ');
    const unpivot = WINDOWS.map((w) => `(${w}, ${startOf(c, w)}, x.l_${w}, x.t_${w})`).join(', ');
    const r = await db.query(
      `WITH x AS (
         SELECT p.author, f.file_path, ${lines}
         FROM ${prsOf(T)} p JOIN ${T.etl_pr_files} f ON f.repo_name = p.repo_name AND f.pr_number = p.pr_number
         WHERE p.is_merged AND p.md BETWEEN '${c.startAll}'::date AND $3::date ${filter}
         GROUP BY p.author, f.file_path
       ), u AS (
         SELECT x.author, x.file_path, v.window_days, v.start_date, v.author_lines, v.last_touched
         FROM x CROSS JOIN LATERAL (VALUES ${unpivot}) AS v(window_days, start_date, author_lines, last_touched) WHERE v.author_lines IS NOT NULL ${windowFilter}
       ), t AS (SELECT u.*, sum(u.author_lines) OVER (PARTITION BY u.window_days, u.file_path) AS total_lines FROM u)
       INSERT INTO ${T.author_file_ownership} (username, repo_name, window_days, start_date, end_date, file_id, file_path, ownership_pct, author_lines, total_lines, last_touched)
       SELECT t.author, $1, t.window_days, t.start_date, $3::date, $1 || ':' || t.file_path, t.file_path, 100.0 * t.author_lines / t.total_lines, t.author_lines, t.total_lines, t.last_touched
       FROM t WHERE t.total_lines > 0`,
      [c.repo, c.tz, c.end],
    );
    return r.rowCount ?? 0;
  },

  async author_metrics_window(c) {
    const { db, T } = c;
    const full = c.from === null;
    let filter = '';
    if (full) {
      await db.query(`DELETE FROM ${T.author_metrics_window} WHERE repo_name = $1`, [c.repo]);
      await db.query(`DELETE FROM ${T.etl_pr_owned} WHERE repo_name = $1`, [c.repo]);
      await qualifyOwned(c, '');
    } else {
      // The changed PRs' authors (old and new) are recounted, whoever else's share of a changed file
      // crossed 50 % gets their ownership counts again; the PRs whose qualification may have moved are qualified again.
      await affectedAuthors(c);
      await db.query(`DELETE FROM ${T.etl_pr_owned} o USING "etl_requal" r WHERE o.repo_name = $1 AND o.pr_number = r.pr_number`, [c.repo]);
      await qualifyOwned(c, 'AND p.pr_number IN (SELECT pr_number FROM "etl_requal")');
      filter = 'AND p.author IN (SELECT username FROM "etl_aff_authors")';
    }
    // One pass over the author's PRs (the daily rows' sources, without their zero days): each
    // window's sums as FILTERed aggregates, then one row per window. Same basis as the daily rows:
    // submitted, lines and high-risk on the created day, merged on the merged day.
    const inW = (col: string, w: number) => `${col} BETWEEN ${startOf(c, w)} AND $2::date`;
    const aggs = WINDOWS.map((w) => `count(*) FILTER (WHERE ${inW('p.cd', w)})::int AS prs_submitted_${w}, count(*) FILTER (WHERE ${inW('p.md', w)})::int AS prs_merged_${w},
      count(*) FILTER (WHERE ${inW('p.cd', w)} AND p.high_risk)::int AS high_risk_prs_${w}, coalesce(sum(p.additions + p.deletions) FILTER (WHERE ${inW('p.cd', w)}), 0)::bigint AS lines_changed_${w}`).join(',\n');
    const cols = ['prs_submitted', 'prs_merged', 'high_risk_prs', 'lines_changed'];
    const unpivot = WINDOWS.map((w) => `(${w}, ${startOf(c, w)}, ${cols.map((k) => `s.${k}_${w}`).join(', ')})`).join(', ');
    const select = `WITH s AS (
         SELECT p.author AS username, ${aggs} FROM ${prsOf(T, '$3')} p WHERE (p.cd <= $2::date OR p.md <= $2::date) ${filter} GROUP BY p.author
       ), v AS (
         SELECT s.username, u.* FROM s CROSS JOIN LATERAL (VALUES ${unpivot}) AS u(window_days, start_date, prs_submitted, prs_merged, high_risk_prs, lines_changed)
       ), own AS (
         -- Merged low-risk PRs whose every changed file (with changed lines) the author owns at least half of in the window.
         SELECT p.author AS username, p.window_days, count(*)::int AS n FROM ${T.etl_pr_owned} p WHERE p.repo_name = $1 ${filter} GROUP BY p.author, p.window_days
       )
       SELECT v.username, $1::text AS repo_name, v.window_days, v.start_date, $2::date AS end_date, v.prs_submitted, v.prs_merged, v.high_risk_prs,
         v.high_risk_prs::float8 / nullif(v.prs_submitted, 0) AS high_risk_rate, v.lines_changed, coalesce(own.n, 0) AS ownership_low_risk_prs
       FROM v LEFT JOIN own ON own.username = v.username AND own.window_days = v.window_days`;
    const insert = `INSERT INTO ${T.author_metrics_window} (username, repo_name, window_days, start_date, end_date, prs_submitted, prs_merged, high_risk_prs, high_risk_rate, lines_changed, ownership_low_risk_prs)`;
    if (full) return (await db.query(`${insert} ${select}`, [c.repo, c.end, c.tz])).rowCount ?? 0;
    // Incremental: the affected authors' rows recomputed (a few authors: their PRs through the
    // author index, their owned PRs from etl_pr_owned), and only those that differ written.
    await db.query(`CREATE TEMP TABLE "etl_new_w" ON COMMIT DROP AS ${select}`, [c.repo, c.end, c.tz]);
    // The authors with a crossing alone: their ownership counts, from etl_pr_owned.
    const owned = await db.query(
      `UPDATE ${T.author_metrics_window} w SET ownership_low_risk_prs = n.n FROM (
         SELECT m.username, m.window_days, count(o.pr_number)::int AS n FROM ${T.author_metrics_window} m JOIN "etl_own_authors" a ON a.username = m.username
         LEFT JOIN ${T.etl_pr_owned} o ON o.repo_name = m.repo_name AND o.author = m.username AND o.window_days = m.window_days
         WHERE m.repo_name = $1 GROUP BY m.username, m.window_days
       ) n WHERE w.repo_name = $1 AND w.username = n.username AND w.window_days = n.window_days AND w.ownership_low_risk_prs <> n.n`,
      [c.repo],
    );
    const gone = await db.query(
      `DELETE FROM ${T.author_metrics_window} w USING "etl_aff_authors" a WHERE w.repo_name = $1 AND w.username = a.username
       AND NOT EXISTS (SELECT 1 FROM "etl_new_w" n WHERE n.username = w.username AND n.window_days = w.window_days)`,
      [c.repo],
    );
    const set = ['start_date', 'end_date', 'prs_submitted', 'prs_merged', 'high_risk_prs', 'high_risk_rate', 'lines_changed', 'ownership_low_risk_prs'];
    const up = await db.query(
      `${insert} SELECT * FROM "etl_new_w"
       ON CONFLICT (repo_name, window_days, username) DO UPDATE SET ${set.map((k) => `${k} = EXCLUDED.${k}`).join(', ')}
       WHERE (${set.map((k) => `${T.author_metrics_window}.${k}`).join(', ')}) IS DISTINCT FROM (${set.map((k) => `EXCLUDED.${k}`).join(', ')})`,
    );
    return (owned.rowCount ?? 0) + (gone.rowCount ?? 0) + (up.rowCount ?? 0);
  },

  async author_prs_window(c) {
    const { db, T } = c;
    let filter = '';
    if (c.from === null) await db.query(`DELETE FROM ${T.author_prs_window} WHERE repo_name = $1`, [c.repo]);
    else {
      // A row depends on its PR alone: only the changed PRs' rows (old and new versions) move.
      await db.query(`CREATE TEMP TABLE "etl_aff_prs" ON COMMIT DROP AS SELECT DISTINCT pr_number FROM ${T.etl_changes} WHERE repo_name = $1 AND seq > $2 AND seq <= $3`, [c.repo, c.from, c.to]);
      await db.query(`DELETE FROM ${T.author_prs_window} w USING "etl_aff_prs" k WHERE w.repo_name = $1 AND w.pr_number = k.pr_number`, [c.repo]);
      filter = 'AND p.pr_number IN (SELECT pr_number FROM "etl_aff_prs")';
    }
    // The author's PRs submitted or merged in the window.
    const r = await db.query(
      `INSERT INTO ${T.author_prs_window} (username, repo_name, window_days, start_date, end_date, pr_number, title, pr_summary, merged_at, risk_score, high_risk, feature_rule, feature_confidence)
       SELECT p.author, $1, w.window_days, w.start_date, $3::date, p.pr_number, p.title, p.pr_summary, p.merged_at, p.risk_score, p.high_risk, p.feature_rule, p.feature_confidence
       FROM ${prsOf(T)} p JOIN ${windowsSql(c)} ON (p.cd BETWEEN w.start_date AND $3::date) OR (p.md BETWEEN w.start_date AND $3::date)
       WHERE true ${filter}`,
      [c.repo, c.tz, c.end],
    );
    return r.rowCount ?? 0;
  },
};
