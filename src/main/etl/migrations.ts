import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';
import { llmMigration } from './llm/migrations.ts';

// What the Repo's Engineer Lens and What Shipped tables, with What the Repo's names and
// columns (so its dashboards read them unchanged), plus the ETL's own bookkeeping (etl_*).
export const etlMigrations: WarehouseMigrationSet = {
  feature: 'etl',
  migrations: [
    {
      version: 1,
      name: 'engineer lens and what shipped tables',
      sql: `
CREATE TABLE "authors" (
  "username" text PRIMARY KEY,
  "display_name" text,
  "avatar_url" text
);

CREATE TABLE "repo_prs" (
  "repo_name" text NOT NULL,
  "pr_number" integer NOT NULL,
  "title" text NOT NULL,
  "pr_summary" text,
  "author" text NOT NULL,
  "created_at" timestamptz NOT NULL,
  "merged_at" timestamptz,
  "is_merged" boolean NOT NULL,
  "additions" integer NOT NULL,
  "deletions" integer NOT NULL,
  "changed_files" integer NOT NULL,
  "labels_full" jsonb NOT NULL,
  "feature_rule" text NOT NULL,
  "feature_confidence" numeric(3, 2) NOT NULL,
  "risk_score" numeric(3, 1) NOT NULL,
  "high_risk" boolean NOT NULL,
  "risk_reasons" jsonb NOT NULL,
  "top_risky_files" jsonb NOT NULL,
  PRIMARY KEY ("repo_name", "pr_number")
);
CREATE INDEX "repo_prs_author_idx" ON "repo_prs" ("repo_name", "author");
CREATE INDEX "repo_prs_created_at_idx" ON "repo_prs" ("created_at");
CREATE INDEX "repo_prs_merged_at_idx" ON "repo_prs" ("merged_at") WHERE "is_merged";

CREATE TABLE "author_metrics_daily" (
  "username" text NOT NULL,
  "repo_name" text NOT NULL,
  "day" date NOT NULL,
  "prs_submitted" integer NOT NULL,
  "prs_merged" integer NOT NULL,
  "lines_changed" bigint NOT NULL,
  "high_risk_prs" integer NOT NULL,
  "features_merged" integer NOT NULL,
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("repo_name", "username", "day")
);

CREATE TABLE "author_metrics_window" (
  "username" text NOT NULL,
  "repo_name" text NOT NULL,
  "window_days" integer NOT NULL,
  "start_date" date NOT NULL,
  "end_date" date NOT NULL,
  "prs_submitted" integer NOT NULL,
  "prs_merged" integer NOT NULL,
  "high_risk_prs" integer NOT NULL,
  "high_risk_rate" double precision,
  "lines_changed" bigint NOT NULL,
  "ownership_low_risk_prs" integer NOT NULL,
  PRIMARY KEY ("repo_name", "window_days", "username")
);
CREATE INDEX "author_metrics_window_username_idx" ON "author_metrics_window" ("username");

CREATE TABLE "author_prs_window" (
  "username" text NOT NULL,
  "repo_name" text NOT NULL,
  "window_days" integer NOT NULL,
  "start_date" date NOT NULL,
  "end_date" date NOT NULL,
  "pr_number" integer NOT NULL,
  "title" text NOT NULL,
  "pr_summary" text,
  "merged_at" timestamptz,
  "risk_score" numeric(3, 1) NOT NULL,
  "high_risk" boolean NOT NULL,
  "feature_rule" text NOT NULL,
  "feature_confidence" numeric(3, 2) NOT NULL,
  PRIMARY KEY ("repo_name", "window_days", "username", "pr_number")
);

CREATE TABLE "author_file_ownership" (
  "username" text NOT NULL,
  "repo_name" text NOT NULL,
  "window_days" integer NOT NULL,
  "start_date" date NOT NULL,
  "end_date" date NOT NULL,
  "file_id" text NOT NULL,
  "file_path" text NOT NULL,
  "ownership_pct" double precision NOT NULL,
  "author_lines" bigint NOT NULL,
  "total_lines" bigint NOT NULL,
  "last_touched" timestamptz NOT NULL,
  PRIMARY KEY ("repo_name", "window_days", "file_path", "username")
);
CREATE INDEX "author_file_ownership_author_idx" ON "author_file_ownership" ("repo_name", "username", "window_days");

-- The ETL's own state: what each staged PR looked like (a content hash, so an unchanged PR is
-- never recomputed), its files with their risk, a change log of old and new keys that each
-- table consumes at its own pace, and per table and repository the last change consumed.
CREATE TABLE "etl_pr_sources" (
  "repo_name" text NOT NULL,
  "pr_number" integer NOT NULL,
  "source_hash" text NOT NULL,
  "is_bot" boolean NOT NULL,
  "body" text,
  "staged_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("repo_name", "pr_number")
);

CREATE TABLE "etl_pr_files" (
  "repo_name" text NOT NULL,
  "pr_number" integer NOT NULL,
  "file_path" text NOT NULL,
  "additions" integer NOT NULL,
  "deletions" integer NOT NULL,
  "change_type" text,
  "score" integer NOT NULL,
  "reasons" jsonb NOT NULL,
  PRIMARY KEY ("repo_name", "pr_number", "file_path")
);
CREATE INDEX "etl_pr_files_path_idx" ON "etl_pr_files" ("repo_name", "file_path");

CREATE TABLE "etl_changes" (
  "seq" bigserial PRIMARY KEY,
  "repo_name" text NOT NULL,
  "pr_number" integer NOT NULL,
  "author" text NOT NULL,
  "is_bot" boolean NOT NULL,
  "created_at" timestamptz NOT NULL,
  "merged_at" timestamptz,
  "files" text[] NOT NULL
);
CREATE INDEX "etl_changes_repo_idx" ON "etl_changes" ("repo_name", "seq");

CREATE TABLE "etl_state" (
  "table_name" text NOT NULL,
  "repo_name" text NOT NULL,
  "last_seq" bigint NOT NULL,
  "time_zone" text NOT NULL,
  "start_date" date,
  "end_date" date,
  "source_watermark" timestamptz,
  "rubric" integer NOT NULL DEFAULT 1,
  "refreshed_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("table_name", "repo_name")
);
`,
    },
    llmMigration,
    {
      version: 3,
      name: 'rubric flags per path',
      sql: `
-- The rubric's path patterns, evaluated once per distinct path and rubric version (regular
-- expressions over every file row dominated staging).
CREATE TABLE "etl_path_flags" (
  "path" text PRIMARY KEY,
  "rubric" integer NOT NULL,
  "cfg" boolean NOT NULL,
  "auth" boolean NOT NULL,
  "sqlf" boolean NOT NULL,
  "api" boolean NOT NULL,
  "test" boolean NOT NULL,
  "secret_file" boolean NOT NULL
);
-- Per-file reasons are only needed while a PR's repo_prs row is built (kept there, in risk_reasons and top_risky_files).
ALTER TABLE "etl_pr_files" DROP COLUMN "reasons";
`,
    },
    {
      version: 4,
      name: 'dense daily rows as a view',
      sql: `
-- author_metrics_daily stays dense over each author's span (zeros included, as What the Repo's
-- charts expect) but is a view: the span per author and repository, and only the days with
-- activity are stored (writing every zero day dominated a full refresh).
ALTER TABLE "author_metrics_daily" RENAME TO "author_metrics_daily_active";
ALTER INDEX "author_metrics_daily_pkey" RENAME TO "author_metrics_daily_active_pkey";
DELETE FROM "author_metrics_daily_active" WHERE "prs_submitted" = 0 AND "prs_merged" = 0;
CREATE TABLE "author_metrics_span" (
  "repo_name" text NOT NULL,
  "username" text NOT NULL,
  "first_day" date NOT NULL,
  "last_day" date NOT NULL,
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("repo_name", "username"),
  CHECK ("first_day" <= "last_day")
);
INSERT INTO "author_metrics_span" SELECT "repo_name", "username", min("day"), max("day"), max("updated_at") FROM "author_metrics_daily_active" GROUP BY 1, 2;
CREATE VIEW "author_metrics_daily" AS
SELECT s."username", s."repo_name", s."first_day" + i AS "day",
  coalesce(a."prs_submitted", 0) AS "prs_submitted", coalesce(a."prs_merged", 0) AS "prs_merged", coalesce(a."lines_changed", 0::bigint) AS "lines_changed",
  coalesce(a."high_risk_prs", 0) AS "high_risk_prs", coalesce(a."features_merged", 0) AS "features_merged", coalesce(a."updated_at", s."updated_at") AS "updated_at"
FROM "author_metrics_span" s CROSS JOIN LATERAL generate_series(0, s."last_day" - s."first_day") i
LEFT JOIN "author_metrics_daily_active" a ON a."repo_name" = s."repo_name" AND a."username" = s."username" AND a."day" = s."first_day" + i;
`,
    },
    {
      version: 5,
      name: 'exact staging candidates',
      sql: `
-- Staging compares each PR's sync stamp and author with the staged copy's (exact, so a run
-- right after another hashes only what a sync touched since, not everything synced lately).
ALTER TABLE "etl_pr_sources" ADD COLUMN "source_synced_at" timestamptz, ADD COLUMN "author" text;
-- The all-time window's first day is the repository's first created day: found through an index.
CREATE INDEX "repo_prs_repo_created_idx" ON "repo_prs" ("repo_name", "created_at");
`,
    },
    {
      version: 6,
      name: 'change log with versions and file lines',
      sql: `
-- Each change-log entry says whether it is a PR's version before the change ("prior") and the
-- changed lines of each of its files (parallel to "files"): the net change of every file's
-- ownership, so an incremental run recounts only the authors whose share crossed 50 %.
-- Entries logged before carry neither: the Engineer Lens tables rebuild once on their next run.
ALTER TABLE "etl_changes" ADD COLUMN "prior" boolean NOT NULL DEFAULT false, ADD COLUMN "file_lines" integer[] NOT NULL DEFAULT '{}';
ALTER TABLE "etl_changes" ALTER COLUMN "prior" DROP DEFAULT, ALTER COLUMN "file_lines" DROP DEFAULT;
DELETE FROM "etl_changes";
DELETE FROM "etl_state" WHERE "table_name" <> 'repo_prs';
`,
    },
    {
      version: 7,
      name: 'staged sources carry their author',
      sql: `
-- The authors table is read from the staged sources' authors (narrow rows); sources staged before
-- version 5 have none yet: their repo_prs row's.
UPDATE "etl_pr_sources" s SET "author" = rp."author" FROM "repo_prs" rp WHERE s."author" IS NULL AND rp."repo_name" = s."repo_name" AND rp."pr_number" = s."pr_number";
DELETE FROM "etl_pr_sources" WHERE "author" IS NULL;
ALTER TABLE "etl_pr_sources" ALTER COLUMN "author" SET NOT NULL;
`,
    },
    {
      version: 8,
      name: 'low-risk PRs their author owns, per window',
      sql: `
-- The merged low-risk PRs whose every changed file their author owns at least half of, per window
-- (what ownership_low_risk_prs counts): an incremental run requalifies only the changed PRs and
-- those on a file whose owner crossed 50 %, and counts the rest from here.
CREATE TABLE "etl_pr_owned" (
  "repo_name" text NOT NULL,
  "window_days" integer NOT NULL,
  "pr_number" integer NOT NULL,
  "author" text NOT NULL,
  PRIMARY KEY ("repo_name", "window_days", "pr_number")
);
CREATE INDEX "etl_pr_owned_author_idx" ON "etl_pr_owned" ("repo_name", "author", "window_days");
CREATE INDEX "etl_pr_owned_pr_idx" ON "etl_pr_owned" ("repo_name", "pr_number");
-- The windows rebuild once, which fills it.
DELETE FROM "etl_state" WHERE "table_name" = 'author_metrics_window';
`,
    },
  ],
};
