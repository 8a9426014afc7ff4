import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

// Version 1 once created commits, releases and issues.closed_by_id here; the sync owns and fills them
// now (sync migration 3, which runs first and keeps tables a warehouse already has).
const synced = `SELECT 1;`;

// Unqualified names resolve to the console's schema (migrations run with it first on the search path).
const boards = `
CREATE TABLE leaderboard_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  line_added_weight numeric(10, 4) NOT NULL DEFAULT 0.01 CHECK (line_added_weight >= 0),
  line_deleted_weight numeric(10, 4) NOT NULL DEFAULT 0.005 CHECK (line_deleted_weight >= 0),
  line_bonus_cap numeric(12, 2) NOT NULL DEFAULT 500 CHECK (line_bonus_cap >= 0),
  count_self_reviews boolean NOT NULL DEFAULT false,
  bot_patterns text[] NOT NULL DEFAULT ARRAY['%[bot]', '%-bot', 'dependabot%', 'renovate%'],
  full_window_days integer NOT NULL DEFAULT 730 CHECK (full_window_days > 0),
  overlap_days integer NOT NULL DEFAULT 1 CHECK (overlap_days >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO leaderboard_settings DEFAULT VALUES;

CREATE TABLE scoring_weights (
  event_type text PRIMARY KEY CHECK (event_type IN ('commit', 'pr_opened', 'pr_merged', 'pr_reviewed', 'issue_opened', 'issue_closed', 'comment', 'release')),
  base_points numeric(10, 2) NOT NULL CHECK (base_points >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO scoring_weights (event_type, base_points) VALUES
  ('commit', 10), ('pr_opened', 15), ('pr_merged', 25), ('pr_reviewed', 20),
  ('issue_opened', 8), ('issue_closed', 5), ('comment', 3), ('release', 30);

-- One row per contribution, derived from the synced tables; event_id is deterministic from the
-- source row, so deriving again (overlapping windows) updates instead of adding.
CREATE TABLE contribution_events (
  event_id text PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES contributors (id) ON DELETE CASCADE,
  event_type text NOT NULL,
  event_data jsonb NOT NULL DEFAULT '{}',
  lines_added integer NOT NULL DEFAULT 0,
  lines_deleted integer NOT NULL DEFAULT 0,
  event_timestamp timestamptz NOT NULL,
  scraped_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contribution_events_repo_ts_idx ON contribution_events (repository_id, event_timestamp DESC);
CREATE INDEX contribution_events_repo_user_idx ON contribution_events (repository_id, user_id);
CREATE INDEX contribution_events_user_idx ON contribution_events (user_id);

-- (repository, contributor) pairs whose events changed since the last recalculation: filled by
-- statement triggers, whoever writes the events, so an incremental recalculation misses nothing.
CREATE TABLE leaderboard_dirty (
  repository_id uuid NOT NULL,
  user_id uuid NOT NULL,
  PRIMARY KEY (repository_id, user_id)
);
CREATE FUNCTION leaderboard_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO leaderboard_dirty (repository_id, user_id) SELECT DISTINCT repository_id, user_id FROM new_rows ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO leaderboard_dirty (repository_id, user_id) SELECT DISTINCT repository_id, user_id FROM old_rows ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $fn$;
DO $$ BEGIN EXECUTE format('ALTER FUNCTION leaderboard_mark_dirty() SET search_path = %I, public', current_schema()); END $$;
CREATE TRIGGER contribution_events_dirty_ins AFTER INSERT ON contribution_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leaderboard_mark_dirty();
CREATE TRIGGER contribution_events_dirty_upd AFTER UPDATE ON contribution_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leaderboard_mark_dirty();
CREATE TRIGGER contribution_events_dirty_del AFTER DELETE ON contribution_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION leaderboard_mark_dirty();

CREATE TABLE repository_leaderboards (
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES contributors (id) ON DELETE CASCADE,
  rank integer NOT NULL,
  previous_rank integer,
  total_score numeric(12, 2) NOT NULL,
  base_score numeric(12, 2) NOT NULL,
  line_bonus numeric(12, 2) NOT NULL,
  commit_count integer NOT NULL DEFAULT 0,
  pr_opened_count integer NOT NULL DEFAULT 0,
  pr_merged_count integer NOT NULL DEFAULT 0,
  pr_reviewed_count integer NOT NULL DEFAULT 0,
  issue_opened_count integer NOT NULL DEFAULT 0,
  issue_closed_count integer NOT NULL DEFAULT 0,
  comment_count integer NOT NULL DEFAULT 0,
  release_count integer NOT NULL DEFAULT 0,
  lines_added bigint NOT NULL DEFAULT 0,
  lines_deleted bigint NOT NULL DEFAULT 0,
  first_contribution_at timestamptz NOT NULL,
  last_contribution_at timestamptz NOT NULL,
  rank_changed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository_id, user_id)
);
CREATE INDEX repository_leaderboards_rank_idx ON repository_leaderboards (repository_id, rank);
CREATE INDEX repository_leaderboards_user_idx ON repository_leaderboards (user_id);

CREATE TABLE global_leaderboard (
  user_id uuid PRIMARY KEY REFERENCES contributors (id) ON DELETE CASCADE,
  global_rank integer NOT NULL,
  previous_rank integer,
  total_score numeric(14, 2) NOT NULL,
  repositories_contributed integer NOT NULL,
  commit_count integer NOT NULL DEFAULT 0,
  pr_opened_count integer NOT NULL DEFAULT 0,
  pr_merged_count integer NOT NULL DEFAULT 0,
  pr_reviewed_count integer NOT NULL DEFAULT 0,
  issue_opened_count integer NOT NULL DEFAULT 0,
  issue_closed_count integer NOT NULL DEFAULT 0,
  comment_count integer NOT NULL DEFAULT 0,
  release_count integer NOT NULL DEFAULT 0,
  lines_added bigint NOT NULL DEFAULT 0,
  lines_deleted bigint NOT NULL DEFAULT 0,
  first_contribution_at timestamptz NOT NULL,
  last_contribution_at timestamptz NOT NULL,
  rank_changed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX global_leaderboard_rank_idx ON global_leaderboard (global_rank);

-- What each scrape derived: a full window is the last full_window_days, an incremental one
-- starts overlap_days before the previous end (events are unique, so overlaps never add twice).
CREATE TABLE scrape_windows (
  id bigserial PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  job_run_id text,
  kind text NOT NULL CHECK (kind IN ('full', 'incremental')),
  data_start_date timestamptz NOT NULL,
  data_end_date timestamptz NOT NULL,
  events_fetched integer NOT NULL DEFAULT 0,
  events_new integer NOT NULL DEFAULT 0,
  events_changed integer NOT NULL DEFAULT 0,
  events_removed integer NOT NULL DEFAULT 0,
  contributors_found integer NOT NULL DEFAULT 0,
  bytes_processed bigint NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX scrape_windows_latest_idx ON scrape_windows (repository_id, data_end_date DESC);

CREATE TABLE leaderboard_recalcs (
  id bigserial PRIMARY KEY,
  job_run_id text,
  kind text NOT NULL CHECK (kind IN ('full', 'incremental')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  pairs_recomputed integer NOT NULL DEFAULT 0,
  repositories_reranked integer NOT NULL DEFAULT 0,
  rank_changes integer NOT NULL DEFAULT 0,
  -- The weights and settings in force: an incremental run under other ones becomes a full one.
  config_stamp timestamptz
);

-- Rank snapshots: every rank a recalculation changed (repository_id NULL: the global board).
CREATE TABLE rank_history (
  recalc_id bigint NOT NULL REFERENCES leaderboard_recalcs (id) ON DELETE CASCADE,
  repository_id uuid REFERENCES repositories (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES contributors (id) ON DELETE CASCADE,
  rank integer,
  previous_rank integer,
  total_score numeric(14, 2)
);
CREATE INDEX rank_history_recalc_idx ON rank_history (recalc_id);
CREATE INDEX rank_history_user_idx ON rank_history (user_id, recalc_id DESC);
CREATE INDEX rank_history_repo_idx ON rank_history (repository_id);
`;

// A contributor's gain shifts the dense rank of everyone between their old and new place: stored
// ranks made an incremental recalculation rewrite most rows of every touched board. The scores
// are stored (only changed pairs are written); the boards are views that rank them with window
// functions when read. previous_rank is the rank by the scores as they were before the board's
// latest change: a row changed in it keeps its earlier score and first contribution (prev_*,
// NULL for a newcomer), every other row had its current one.
const ranksRead = `
ALTER TABLE repository_leaderboards RENAME TO repository_scores;
ALTER TABLE repository_scores DROP COLUMN rank, DROP COLUMN previous_rank, DROP COLUMN rank_changed_at,
  ADD COLUMN prev_total_score numeric(12, 2), ADD COLUMN prev_first_contribution_at timestamptz, ADD COLUMN score_recalc_id bigint NOT NULL DEFAULT 0;
UPDATE repository_scores SET prev_total_score = total_score, prev_first_contribution_at = first_contribution_at;
ALTER TABLE repository_scores SET (fillfactor = 100);

ALTER TABLE global_leaderboard RENAME TO global_scores;
ALTER TABLE global_scores DROP COLUMN global_rank, DROP COLUMN previous_rank, DROP COLUMN rank_changed_at,
  ADD COLUMN prev_total_score numeric(14, 2), ADD COLUMN prev_first_contribution_at timestamptz, ADD COLUMN score_recalc_id bigint NOT NULL DEFAULT 0;
UPDATE global_scores SET prev_total_score = total_score, prev_first_contribution_at = first_contribution_at;
ALTER TABLE global_scores SET (fillfactor = 100);

-- Ties: higher score first, then the earlier first contribution, then the username, then the id.
CREATE VIEW repository_leaderboards AS
SELECT k.repository_id, k.user_id, k.rank,
  CASE WHEN k.ps IS NOT NULL THEN row_number() OVER (PARTITION BY k.repository_id, k.ps IS NULL ORDER BY k.ps DESC, k.pf, k.uname COLLATE "C", k.user_id)::int END AS previous_rank,
  k.total_score, k.base_score, k.line_bonus, k.commit_count, k.pr_opened_count, k.pr_merged_count, k.pr_reviewed_count, k.issue_opened_count,
  k.issue_closed_count, k.comment_count, k.release_count, k.lines_added, k.lines_deleted, k.first_contribution_at, k.last_contribution_at, k.updated_at, k.score_recalc_id
FROM (
  SELECT s.*, lower(c.username) AS uname,
    row_number() OVER (PARTITION BY s.repository_id ORDER BY s.total_score DESC, s.first_contribution_at, lower(c.username) COLLATE "C", s.user_id)::int AS rank,
    CASE WHEN s.score_recalc_id = max(s.score_recalc_id) OVER (PARTITION BY s.repository_id) THEN s.prev_total_score ELSE s.total_score END AS ps,
    CASE WHEN s.score_recalc_id = max(s.score_recalc_id) OVER (PARTITION BY s.repository_id) THEN s.prev_first_contribution_at ELSE s.first_contribution_at END AS pf
  FROM repository_scores s JOIN contributors c ON c.id = s.user_id
) k;

CREATE VIEW global_leaderboard AS
SELECT k.user_id, k.global_rank,
  CASE WHEN k.ps IS NOT NULL THEN row_number() OVER (PARTITION BY k.ps IS NULL ORDER BY k.ps DESC, k.pf, k.uname COLLATE "C", k.user_id)::int END AS previous_rank,
  k.total_score, k.repositories_contributed, k.commit_count, k.pr_opened_count, k.pr_merged_count, k.pr_reviewed_count, k.issue_opened_count,
  k.issue_closed_count, k.comment_count, k.release_count, k.lines_added, k.lines_deleted, k.first_contribution_at, k.last_contribution_at, k.updated_at, k.score_recalc_id
FROM (
  SELECT s.*, lower(c.username) AS uname,
    row_number() OVER (ORDER BY s.total_score DESC, s.first_contribution_at, lower(c.username) COLLATE "C", s.user_id)::int AS global_rank,
    CASE WHEN s.score_recalc_id = max(s.score_recalc_id) OVER () THEN s.prev_total_score ELSE s.total_score END AS ps,
    CASE WHEN s.score_recalc_id = max(s.score_recalc_id) OVER () THEN s.prev_first_contribution_at ELSE s.first_contribution_at END AS pf
  FROM global_scores s JOIN contributors c ON c.id = s.user_id
) k;
`;

// An incremental recalculation adds what was inserted since the last one to the stored scores
// instead of re-reading every event of the touched pairs (active contributors' pairs hold most of
// the events). Inserts are summed per pair and statement into leaderboard_deltas; updated and
// deleted events still mark their pairs in leaderboard_dirty, recomputed from their events (a
// count can be taken back, a first contribution cannot). Self-reviews are summed apart: whether
// they count is a setting read when the delta is applied.
const deltas = `
CREATE TABLE leaderboard_deltas (
  repository_id uuid NOT NULL,
  user_id uuid NOT NULL,
  commit_count integer NOT NULL, pr_opened_count integer NOT NULL, pr_merged_count integer NOT NULL, pr_reviewed_count integer NOT NULL,
  issue_opened_count integer NOT NULL, issue_closed_count integer NOT NULL, comment_count integer NOT NULL, release_count integer NOT NULL,
  lines_added bigint NOT NULL, lines_deleted bigint NOT NULL,
  first_at timestamptz, last_at timestamptz,
  self_review_count integer NOT NULL, self_lines_added bigint NOT NULL, self_lines_deleted bigint NOT NULL,
  self_first_at timestamptz, self_last_at timestamptz
);
CREATE OR REPLACE FUNCTION leaderboard_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO leaderboard_deltas
    SELECT repository_id, user_id,
      count(*) FILTER (WHERE event_type = 'commit'), count(*) FILTER (WHERE event_type = 'pr_opened'), count(*) FILTER (WHERE event_type = 'pr_merged'),
      count(*) FILTER (WHERE event_type = 'pr_reviewed' AND NOT self), count(*) FILTER (WHERE event_type = 'issue_opened'), count(*) FILTER (WHERE event_type = 'issue_closed'),
      count(*) FILTER (WHERE event_type = 'comment'), count(*) FILTER (WHERE event_type = 'release'),
      COALESCE(sum(lines_added) FILTER (WHERE scored), 0), COALESCE(sum(lines_deleted) FILTER (WHERE scored), 0),
      min(event_timestamp) FILTER (WHERE scored), max(event_timestamp) FILTER (WHERE scored),
      count(*) FILTER (WHERE self), COALESCE(sum(lines_added) FILTER (WHERE self), 0), COALESCE(sum(lines_deleted) FILTER (WHERE self), 0),
      min(event_timestamp) FILTER (WHERE self), max(event_timestamp) FILTER (WHERE self)
    FROM (SELECT n.*, k.self, k.known, k.known AND NOT k.self AS scored FROM new_rows n
      CROSS JOIN LATERAL (SELECT n.event_type = 'pr_reviewed' AND COALESCE((n.event_data ->> 'self')::boolean, false) AS self,
        n.event_type IN ('commit', 'pr_opened', 'pr_merged', 'pr_reviewed', 'issue_opened', 'issue_closed', 'comment', 'release') AS known) k) e
    WHERE known
    GROUP BY repository_id, user_id;
  ELSE
    IF TG_OP = 'UPDATE' THEN
      INSERT INTO leaderboard_dirty (repository_id, user_id) SELECT DISTINCT repository_id, user_id FROM new_rows ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO leaderboard_dirty (repository_id, user_id) SELECT DISTINCT repository_id, user_id FROM old_rows ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $fn$;
DO $$ BEGIN EXECUTE format('ALTER FUNCTION leaderboard_mark_dirty() SET search_path = %I, public', current_schema()); END $$;

-- Scores and snapshots are derived: the recalculation keeps them in line with the events
-- (deleting a repository or contributor deletes its events, whose trigger marks the pairs), so
-- they carry no foreign keys — per-row checks cost more than writing the rows.
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT conrelid::regclass::text AS t, conname FROM pg_constraint
    WHERE contype = 'f' AND conrelid IN ('repository_scores'::regclass, 'global_scores'::regclass, 'rank_history'::regclass)
  LOOP EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname); END LOOP;
END $$;
`;

// Who is left out (the warehouse's bot and ghost flags, the username the bot patterns match) is
// read from contributors: when the sync changes it, that contributor's pairs are recomputed by
// the next incremental run, as a full one would have them.
const contributorChanges = `
CREATE FUNCTION leaderboard_contributor_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO leaderboard_dirty (repository_id, user_id)
  SELECT DISTINCT e.repository_id, e.user_id FROM contribution_events e WHERE e.user_id = NEW.id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $fn$;
DO $$ BEGIN EXECUTE format('ALTER FUNCTION leaderboard_contributor_changed() SET search_path = %I, public', current_schema()); END $$;
CREATE TRIGGER contributors_leaderboard_changed AFTER UPDATE OF is_bot, is_ghost, username ON contributors
  FOR EACH ROW WHEN (OLD.is_bot IS DISTINCT FROM NEW.is_bot OR OLD.is_ghost IS DISTINCT FROM NEW.is_ghost OR OLD.username IS DISTINCT FROM NEW.username)
  EXECUTE FUNCTION leaderboard_contributor_changed();
`;

/** The contributor leaderboard's tables: events, weights, both boards, scrape windows, snapshots. */
export const leaderboardMigrations: WarehouseMigrationSet = {
  feature: 'leaderboard',
  migrations: [
    { version: 1, name: 'commits, releases and issue closers', sql: synced },
    { version: 2, name: 'contribution events and leaderboards', sql: boards },
    {
      version: 3,
      name: 'rank updates in place',
      // A rank shift rewrites many rows; with no index on rank and room on each page the update stays heap-only.
      sql: `
DROP INDEX IF EXISTS repository_leaderboards_rank_idx;
DROP INDEX IF EXISTS global_leaderboard_rank_idx;
ALTER TABLE repository_leaderboards SET (fillfactor = 70);
ALTER TABLE global_leaderboard SET (fillfactor = 70);
`,
    },
    { version: 4, name: 'ranks read, not stored', sql: ranksRead },
    { version: 5, name: 'incremental by deltas', sql: deltas },
    { version: 6, name: 'contributor flags recompute their pairs', sql: contributorChanges },
  ],
};
