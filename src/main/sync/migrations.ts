import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

// Unqualified names resolve to the console's schema (migrations run with it first on the search path).
const SYNCED_HISTORY = `
CREATE TABLE IF NOT EXISTS "commits" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "repository_id" uuid NOT NULL REFERENCES "repositories" ("id") ON DELETE CASCADE,
  "sha" text NOT NULL,
  "author_id" uuid REFERENCES "contributors" ("id"),
  "author_name" text,
  "author_email" text,
  "message_headline" text,
  "committed_date" timestamptz NOT NULL,
  "authored_date" timestamptz,
  "additions" integer NOT NULL DEFAULT 0,
  "deletions" integer NOT NULL DEFAULT 0,
  "synced_at" timestamptz NOT NULL DEFAULT now(),
  UNIQUE ("repository_id", "sha")
);
CREATE INDEX IF NOT EXISTS "commits_repo_date_idx" ON "commits" ("repository_id", "committed_date" DESC);
CREATE INDEX IF NOT EXISTS "commits_author_idx" ON "commits" ("author_id");

CREATE TABLE IF NOT EXISTS "releases" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "github_id" bigint NOT NULL UNIQUE,
  "node_id" text,
  "repository_id" uuid NOT NULL REFERENCES "repositories" ("id") ON DELETE CASCADE,
  "tag_name" text NOT NULL,
  "name" text,
  "author_id" uuid REFERENCES "contributors" ("id"),
  "is_draft" boolean NOT NULL DEFAULT false,
  "is_prerelease" boolean NOT NULL DEFAULT false,
  "created_at" timestamptz NOT NULL,
  "published_at" timestamptz,
  "synced_at" timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS "releases_repo_published_idx" ON "releases" ("repository_id", "published_at" DESC);
CREATE INDEX IF NOT EXISTS "releases_author_idx" ON "releases" ("author_id");

-- The actor of the issue's latest closing event.
ALTER TABLE "issues" ADD COLUMN IF NOT EXISTS "closed_by_id" uuid REFERENCES "contributors" ("id");
CREATE INDEX IF NOT EXISTS "issues_closed_by_idx" ON "issues" ("closed_by_id");
`;

const LANES_TABLE = `
CREATE TABLE IF NOT EXISTS "sync_lanes" (
  "repository_id" uuid NOT NULL REFERENCES "repositories" ("id") ON DELETE CASCADE,
  "stream" text NOT NULL,
  "lane" text NOT NULL,
  "run_id" uuid NOT NULL,
  "cursor" text,
  "pages" integer NOT NULL DEFAULT 0,
  "rows" integer NOT NULL DEFAULT 0,
  "items" integer NOT NULL DEFAULT 0,
  "done" boolean NOT NULL DEFAULT false,
  "last_created_at" timestamptz,
  "last_id" bigint,
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("repository_id", "stream", "lane")
);`;

/** The sync's additions to the synced-data tables of the core set. */
export const syncMigrations: WarehouseMigrationSet = {
  feature: 'sync',
  migrations: [
    {
      version: 1,
      name: 'items per stream cursor',
      // Committed with each page like `rows`: a resumed run counts on from what earlier attempts wrote.
      sql: 'ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS items integer NOT NULL DEFAULT 0;',
    },
    {
      version: 2,
      name: 'active seconds per sync run',
      // Time spent syncing, without paused, queued or crashed time: what estimates are measured from
      // (finished_at - started_at spans every pause and crash of a resumed run).
      sql: 'ALTER TABLE sync_runs ADD COLUMN IF NOT EXISTS active_seconds double precision;',
    },
    {
      version: 3,
      name: 'default-branch commits, releases and issue closers',
      // The sync fills them; warehouses where the leaderboard created them first keep theirs (IF NOT EXISTS).
      sql: SYNCED_HISTORY,
    },
    {
      version: 4,
      name: 'issue closers for issues synced before version 3',
      // Their closed_by_id is empty and an incremental run only pages issues updated since its mark:
      // clearing the mark makes the next run page every issue once (a whole pass, nothing deleted).
      sql: `UPDATE "sync_state" SET "high_water_mark" = NULL WHERE "stream" = 'issues';`,
    },
    {
      version: 5,
      name: 'one checkpoint per cursor of a partitioned pass',
      // A whole pass pages each state from both ends at once (lanes.ts): each cursor commits its own.
      sql: LANES_TABLE,
    },
  ],
};
