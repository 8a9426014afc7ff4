import type pg from 'pg';
import { RUBRIC_VERSION, FILE_RISK_LATERAL, FEATURE_CONFIDENCE, P, PATH_FLAGS, PR_SCORE, featureRule } from './rubric.ts';
import { tablesOf } from './names.ts';

type Db = Pick<pg.ClientBase, 'query'>;

export interface StageResult {
  repo: string;
  candidates: number;
  changed: number;
  deleted: number;
}

/** A staging candidate (p: pull_requests, c: contributors, s: etl_pr_sources): never staged, or its sync stamp, author or bot flag differs. */
const CANDIDATE = `(s.repo_name IS NULL OR s.source_synced_at IS DISTINCT FROM p.synced_at OR s.author IS DISTINCT FROM coalesce(c.username, 'ghost') OR s.is_bot IS DISTINCT FROM coalesce(c.is_bot, false))`;

/** A change-log entry's staged files and their changed lines, in one order (x: the PR's row). */
const FILE_LINES = (files: string, x: string) => `CROSS JOIN LATERAL (SELECT coalesce(array_agg(f.file_path ORDER BY f.file_path), '{}') AS files, coalesce(array_agg(f.additions + f.deletions ORDER BY f.file_path), '{}') AS lines
  FROM ${files} f WHERE f.repo_name = ${x}.repo_name AND f.pr_number = ${x}.pr_number) fl`;

/**
 * Finds the staging candidates of these repositories in one pass and flags their paths with the
 * rubric, in a transaction of its own before the repositories are staged side by side (flags are
 * shared: inserted inside the staging transactions, one repository's new rows would make the
 * others wait for its commit). Serialized by an advisory lock, so two runs never both evaluate the
 * same paths. Returns each repository's candidate PR ids where they are exact (staged before with
 * this rubric, not forced): staging then reads those PRs alone instead of scanning them all again.
 */
export async function flagCandidatePaths(db: Db, schema: string, repos: string[], opts: { all: boolean }): Promise<Map<string, string[]>> {
  const T = tablesOf(schema);
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${schema}.etl_path_flags`]);
  const exact = opts.all ? [] : (await db.query(`SELECT repo_name FROM ${T.etl_state} WHERE table_name = 'repo_prs' AND rubric = $2 AND repo_name = ANY($1)`, [repos, RUBRIC_VERSION])).rows.map((r) => r.repo_name as string);
  await db.query(`CREATE TEMP TABLE "etl_cand" ON COMMIT DROP AS
    SELECT r.full_name AS repo_name, p.id AS pr_id FROM ${T.pull_requests} p JOIN ${T.repositories} r ON r.id = p.repository_id LEFT JOIN ${T.contributors} c ON c.id = p.author_id
    LEFT JOIN ${T.etl_pr_sources} s ON s.repo_name = r.full_name AND s.pr_number = p.number
    WHERE r.full_name = ANY($1) AND (NOT r.full_name = ANY($2) OR ${CANDIDATE})`, [repos, exact]);
  // Real row counts: the candidates are usually a few hundred PRs, whose files are read by key.
  await db.query('ANALYZE "etl_cand"');
  await db.query(`INSERT INTO ${T.etl_path_flags} (path, rubric, cfg, auth, sqlf, api, test, secret_file)
    SELECT x.path, $1, ${PATH_FLAGS('x.path')} FROM (SELECT DISTINCT f.path FROM "etl_cand" x JOIN ${T.pr_files} f ON f.pull_request_id = x.pr_id) x
    WHERE NOT EXISTS (SELECT 1 FROM ${T.etl_path_flags} k WHERE k.path = x.path AND k.rubric = $1)
    ORDER BY x.path
    ON CONFLICT (path) DO UPDATE SET rubric = EXCLUDED.rubric, cfg = EXCLUDED.cfg, auth = EXCLUDED.auth, sqlf = EXCLUDED.sqlf, api = EXCLUDED.api, test = EXCLUDED.test, secret_file = EXCLUDED.secret_file`,
    [RUBRIC_VERSION]);
  const found = new Map<string, string[]>(exact.map((r) => [r, []]));
  const { rows } = await db.query(`SELECT repo_name, array_agg(pr_id::text) AS ids FROM "etl_cand" WHERE repo_name = ANY($1) GROUP BY repo_name`, [exact]);
  for (const r of rows) found.set(r.repo_name as string, r.ids as string[]);
  await db.query('DROP TABLE "etl_cand"');
  return found;
}

/**
 * Brings repo_prs (What Shipped) and the ETL's staged files up to date for one repository:
 * candidates are PRs whose sync stamp or author changed (all with `force`); only those whose content
 * hash differs — or that vanished — are rescored and rewritten, and their old and new keys are
 * appended to etl_changes for the Engineer Lens tables. Run inside the caller's transaction.
 */
export async function stageRepository(db: Db, schema: string, repo: string, opts: { force: boolean; since?: string | null; until?: string | null; logChanges: boolean; candidates?: string[] }): Promise<StageResult> {
  const T = tablesOf(schema);
  const state = await db.query(`SELECT source_watermark, rubric FROM ${T.etl_state} WHERE table_name = 'repo_prs' AND repo_name = $1`, [repo]);
  const watermark: Date | null = opts.force ? null : (state.rows[0]?.source_watermark ?? null);
  const started = (await db.query('SELECT now() AS t')).rows[0].t as Date;
  const range = opts.since || opts.until;
  // A new rubric changes every content hash: every PR is a candidate (the hash still decides).
  const everyPr = opts.force || Boolean(range) || (state.rows[0] !== undefined && Number(state.rows[0].rubric) !== RUBRIC_VERSION);
  // The candidates found for this run (flagCandidatePaths), still checked: one staged since is skipped.
  const ids = everyPr ? undefined : opts.candidates;
  // Sorts and hashes over a repository's files stay in memory.
  await db.query("SET LOCAL work_mem = '64MB'");

  // Candidates: PRs never staged, or whose sync stamp, author or bot flag differs from the staged
  // copy's (the sync writes a PR's files with the PR, stamping synced_at) — exact, so a run right
  // after another hashes only what a sync touched since. Forced and date-range runs take all.
  await db.query(`CREATE TEMP TABLE "etl_src" ON COMMIT DROP AS
    SELECT r.full_name AS repo_name, p.number AS pr_number, p.id AS pr_id, p.title, p.body, p.state, p.merged, p.created_at, p.merged_at,
      p.additions AS raw_additions, p.deletions AS raw_deletions, p.changed_files AS raw_changed_files,
      coalesce(p.additions, 0) AS additions, coalesce(p.deletions, 0) AS deletions, coalesce(p.changed_files, 0) AS changed_files, p.labels,
      c.username AS raw_author, c.is_bot AS raw_is_bot, coalesce(c.username, 'ghost') AS author, coalesce(c.is_bot, false) AS is_bot, p.synced_at
    FROM ${T.pull_requests} p JOIN ${T.repositories} r ON r.id = p.repository_id LEFT JOIN ${T.contributors} c ON c.id = p.author_id
    LEFT JOIN ${T.etl_pr_sources} s ON s.repo_name = r.full_name AND s.pr_number = p.number
    WHERE r.full_name = $1
      AND ($2::boolean OR ${CANDIDATE}) ${ids ? 'AND p.id = ANY($5::uuid[])' : ''}
      AND ($3::date IS NULL OR p.created_at >= $3::date OR p.merged_at >= $3::date)
      AND ($4::date IS NULL OR p.created_at < $4::date + 1)`, [repo, everyPr, opts.since ?? null, opts.until ?? null, ...(ids ? [ids] : [])]);
  const candidates = (await db.query('SELECT count(*)::int AS n FROM "etl_src"')).rows[0].n as number;
  // The candidates' files, read once (hash, rubric flags and scores all use them).
  await db.query(`CREATE TEMP TABLE "etl_srcf" ON COMMIT DROP AS
    SELECT x.pr_id, f.path, f.additions, f.deletions, f.change_type FROM "etl_src" x JOIN ${T.pr_files} f ON f.pull_request_id = x.pr_id`);

  // Changed: new or different content hash (a forced or date-range run rescoring everything it selected).
  await db.query(`CREATE TEMP TABLE "etl_chg" ON COMMIT DROP AS
    SELECT x.*, h.source_hash, (coalesce(x.title, '') || ' ' || coalesce(x.body, '')) ~* ${P.dropDdl} AS drops_ddl
    FROM "etl_src" x
    LEFT JOIN (SELECT pr_id, string_agg(concat_ws(chr(29), path, additions, deletions, change_type), chr(30) ORDER BY path) AS files FROM "etl_srcf" GROUP BY pr_id) fa ON fa.pr_id = x.pr_id
    CROSS JOIN LATERAL (SELECT md5(concat_ws(chr(31), $2::int, x.repo_name, x.pr_number, x.title, x.body, x.state, x.merged, x.created_at, x.merged_at, x.raw_additions, x.raw_deletions,
        x.raw_changed_files, array_to_string(x.labels, chr(30)), x.raw_author, x.raw_is_bot, fa.files)) AS source_hash) h
    LEFT JOIN ${T.etl_pr_sources} s ON s.repo_name = x.repo_name AND s.pr_number = x.pr_number
    WHERE s.source_hash IS DISTINCT FROM h.source_hash OR $1::boolean`, [opts.force || Boolean(range), RUBRIC_VERSION]);
  // Unchanged content, new sync stamp or author row: only the stamp moves (no rescoring, no change log).
  await db.query(`UPDATE ${T.etl_pr_sources} s SET source_synced_at = x.synced_at, author = x.author
    FROM "etl_src" x WHERE s.repo_name = x.repo_name AND s.pr_number = x.pr_number AND NOT EXISTS (SELECT 1 FROM "etl_chg" c WHERE c.pr_id = x.pr_id)
      AND (s.source_synced_at, s.author) IS DISTINCT FROM (x.synced_at, x.author)`);
  // Gone: staged PRs the warehouse no longer has (untracked repository, renamed one, deleted rows).
  await db.query(`CREATE TEMP TABLE "etl_del" ON COMMIT DROP AS
    SELECT s.repo_name, s.pr_number FROM ${T.etl_pr_sources} s
    WHERE s.repo_name = $1 AND NOT EXISTS (SELECT 1 FROM ${T.pull_requests} p JOIN ${T.repositories} r ON r.id = p.repository_id WHERE r.full_name = s.repo_name AND p.number = s.pr_number)`, [repo]);
  const changed = (await db.query('SELECT count(*)::int AS n FROM "etl_chg"')).rows[0].n as number;
  const deleted = (await db.query('SELECT count(*)::int AS n FROM "etl_del"')).rows[0].n as number;

  if (changed + deleted > 0) {
    const log = opts.logChanges;
    // Not logged (every table is rebuilt right after): forget their state so nothing stays stale if that rebuild never runs.
    if (!log) await db.query(`DELETE FROM ${T.etl_state} WHERE repo_name = $1 AND table_name <> 'repo_prs'`, [repo]);
    const keys = `(SELECT repo_name, pr_number FROM "etl_chg" UNION ALL SELECT repo_name, pr_number FROM "etl_del")`;
    // A sync's few changes are then read by key (estimated blind, they were joined by hashing every staged PR).
    if (log) await db.query('ANALYZE "etl_chg", "etl_del"');
    // The old versions' keys, so each table can recompute what they counted towards.
    if (log) await db.query(`INSERT INTO ${T.etl_changes} (repo_name, pr_number, author, is_bot, created_at, merged_at, prior, files, file_lines)
      SELECT rp.repo_name, rp.pr_number, rp.author, s.is_bot, rp.created_at, rp.merged_at, true, fl.files, fl.lines
      FROM ${keys} k JOIN ${T.repo_prs} rp ON rp.repo_name = k.repo_name AND rp.pr_number = k.pr_number
      JOIN ${T.etl_pr_sources} s ON s.repo_name = k.repo_name AND s.pr_number = k.pr_number
      ${FILE_LINES(T.etl_pr_files, 'rp')}`);
    for (const t of [T.etl_pr_files, T.repo_prs, T.etl_pr_sources]) await db.query(`DELETE FROM ${t} x USING ${keys} k WHERE x.repo_name = $1 AND x.repo_name = k.repo_name AND x.pr_number = k.pr_number`, [repo]);

    // The rubric's regular expressions run once per distinct path and rubric version, not once per
    // file row (flagCandidatePaths has normally flagged them already: then this inserts nothing).
    await db.query(`INSERT INTO ${T.etl_path_flags} (path, rubric, cfg, auth, sqlf, api, test, secret_file)
      SELECT x.path, $1, ${PATH_FLAGS('x.path')} FROM (SELECT DISTINCT f.path FROM "etl_chg" c JOIN "etl_srcf" f ON f.pr_id = c.pr_id) x
      WHERE NOT EXISTS (SELECT 1 FROM ${T.etl_path_flags} k WHERE k.path = x.path AND k.rubric = $1)
      ORDER BY x.path -- repositories staged side by side take the shared rows' locks in one order
      ON CONFLICT (path) DO UPDATE SET rubric = EXCLUDED.rubric, cfg = EXCLUDED.cfg, auth = EXCLUDED.auth, sqlf = EXCLUDED.sqlf, api = EXCLUDED.api, test = EXCLUDED.test, secret_file = EXCLUDED.secret_file`, [RUBRIC_VERSION]);
    // Scored files with their reasons, for this run's repo_prs rows. The staged copy keeps what the
    // tables read: merged PRs' files only (no table counts an open PR's files; a PR merged later is restaged).
    await db.query(`CREATE TEMP TABLE "etl_fr" ON COMMIT DROP AS
      SELECT c.repo_name, c.pr_number, c.merged, f.path AS file_path, f.additions, f.deletions, f.change_type, k.score, k.reasons, pf.test
      FROM "etl_chg" c JOIN "etl_srcf" f ON f.pr_id = c.pr_id JOIN ${T.etl_path_flags} pf ON pf.path = f.path ${FILE_RISK_LATERAL}`);
    await db.query(`INSERT INTO ${T.etl_pr_files} (repo_name, pr_number, file_path, additions, deletions, change_type, score)
      SELECT repo_name, pr_number, file_path, additions, deletions, change_type, score FROM "etl_fr" WHERE merged ORDER BY repo_name, pr_number, file_path`);

    await db.query(`INSERT INTO ${T.repo_prs} (repo_name, pr_number, title, pr_summary, author, created_at, merged_at, is_merged, additions, deletions, changed_files,
        labels_full, feature_rule, feature_confidence, risk_score, high_risk, risk_reasons, top_risky_files)
      WITH fr AS (
        -- Each file's place in its PR's riskiest-first order (top_risky_files keeps five).
        SELECT f.*, row_number() OVER (PARTITION BY f.repo_name, f.pr_number ORDER BY f.score DESC, f.additions + f.deletions DESC, f.file_path) AS rk FROM "etl_fr" f
      ), a AS (
        SELECT c.repo_name, c.pr_number, count(f.file_path)::int AS nfiles, coalesce(max(f.score), 0) AS maxscore,
          CASE WHEN coalesce(sum(f.additions + f.deletions), 0) > 0 THEN sum(f.score * (f.additions + f.deletions))::numeric / sum(f.additions + f.deletions) ELSE coalesce(avg(f.score), 0)::numeric END AS mean,
          coalesce(bool_or(f.change_type = 'added' AND f.test), false) AS tests_added,
          coalesce(jsonb_agg(f.file_path || ': ' || array_to_string(f.reasons, '; ') ORDER BY f.rk) FILTER (WHERE cardinality(f.reasons) > 0), '[]') AS file_reasons,
          coalesce(jsonb_agg(jsonb_build_object('path', f.file_path, 'score', f.score, 'lines', f.additions + f.deletions, 'reasons', to_jsonb(f.reasons)) ORDER BY f.rk) FILTER (WHERE f.score > 0 AND f.rk <= 5), '[]') AS top_files
        FROM "etl_chg" c LEFT JOIN fr f ON f.repo_name = c.repo_name AND f.pr_number = c.pr_number
        GROUP BY c.repo_name, c.pr_number
      ), s AS (
        SELECT c.*, a.nfiles, a.maxscore, a.mean, a.tests_added, a.file_reasons, a.top_files, ${PR_SCORE} AS risk FROM "etl_chg" c JOIN a ON a.repo_name = c.repo_name AND a.pr_number = c.pr_number
      ), r AS (
        SELECT s.*, ${featureRule('s.labels', 's.title', 's.body', 's.risk')} AS feature_rule FROM s
      )
      SELECT r.repo_name, r.pr_number, r.title, NULL, r.author, r.created_at, CASE WHEN r.merged THEN r.merged_at END, r.merged, r.additions, r.deletions, r.changed_files,
        to_jsonb(r.labels) || jsonb_build_array(
          'risk:' || CASE WHEN r.risk >= 7 THEN 'high' WHEN r.risk >= 4 THEN 'medium' ELSE 'low' END,
          'state:' || CASE WHEN r.merged THEN 'merged' ELSE lower(r.state) END,
          'size:' || CASE WHEN r.additions + r.deletions > 1000 THEN 'large' WHEN r.additions + r.deletions > 100 THEN 'medium' ELSE 'small' END),
        r.feature_rule, ${FEATURE_CONFIDENCE}, r.risk, r.risk >= 7,
        to_jsonb(array_remove(ARRAY[
          CASE WHEN r.nfiles = 0 THEN 'no changed files: 0' ELSE format('%s file(s), line-weighted mean %s', r.nfiles, round(r.mean, 2)) END,
          CASE WHEN r.maxscore >= 8 THEN 'a file scores 8 or more: lifted to at least 8.5' END,
          CASE WHEN r.tests_added THEN 'adds tests -0.5' END], NULL))
          || r.file_reasons,
        r.top_files
      FROM r`);

    await db.query(`INSERT INTO ${T.etl_pr_sources} (repo_name, pr_number, source_hash, is_bot, body, source_synced_at, author) SELECT repo_name, pr_number, source_hash, is_bot, body, synced_at, author FROM "etl_chg"`);
    if (log) await db.query(`INSERT INTO ${T.etl_changes} (repo_name, pr_number, author, is_bot, created_at, merged_at, prior, files, file_lines)
      SELECT c.repo_name, c.pr_number, c.author, c.is_bot, c.created_at, CASE WHEN c.merged THEN c.merged_at END, false, fl.files, fl.lines
      FROM "etl_chg" c ${FILE_LINES(T.etl_pr_files, 'c')}`);
  }
  await db.query(`INSERT INTO ${T.etl_state} (table_name, repo_name, last_seq, time_zone, source_watermark, rubric) VALUES ('repo_prs', $1, 0, 'UTC', $2, $3)
    ON CONFLICT (table_name, repo_name) DO UPDATE SET source_watermark = EXCLUDED.source_watermark, rubric = EXCLUDED.rubric, refreshed_at = now()`, [repo, range ? watermark : started, RUBRIC_VERSION]);
  await db.query('DROP TABLE IF EXISTS "etl_src", "etl_srcf", "etl_chg", "etl_del", "etl_fr"');
  return { repo, candidates, changed, deleted };
}
