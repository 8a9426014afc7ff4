// Versioned warehouse migrations. Column names follow the runbooks' SQL, so the
// aggressive-backfill guide's verification queries run verbatim. Append only.
export interface WarehouseMigration {
  version: number;
  name: string;
  sql: string;
}

/** A feature's own warehouse migrations; versions count from 1 within the feature. */
export interface WarehouseMigrationSet {
  feature: string;
  migrations: WarehouseMigration[];
}

// `embedding` is pgvector's `vector` where the extension can be created, else real[].
const addEmbeddingColumns = (table: string) => `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_type WHERE typname = 'vector') THEN
    EXECUTE 'ALTER TABLE ${table} ADD COLUMN embedding vector';
  ELSE
    EXECUTE 'ALTER TABLE ${table} ADD COLUMN embedding real[]';
  END IF;
END $$;
ALTER TABLE ${table}
  ADD COLUMN content_hash text,
  ADD COLUMN embedding_generated_at timestamptz,
  ADD COLUMN embedding_model text,
  ADD COLUMN embedding_dimensions int;
`;

const coreMigrations: WarehouseMigration[] = [
  {
    version: 1,
    name: 'core schema',
    sql: `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pgvector is available but cannot be created by this user; embeddings use real[]';
END $$;

CREATE TABLE repositories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  github_id bigint UNIQUE,
  node_id text,
  owner text NOT NULL,
  name text NOT NULL,
  full_name text NOT NULL,
  previous_names text[] NOT NULL DEFAULT '{}',
  description text,
  html_url text,
  is_private boolean,
  is_archived boolean,
  default_branch text,
  language text,
  stargazers_count integer,
  forks_count integer,
  github_created_at timestamptz,
  pushed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_synced_at timestamptz
);
CREATE UNIQUE INDEX repositories_full_name_key ON repositories (lower(full_name));

CREATE TABLE contributors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  github_id bigint NOT NULL UNIQUE,
  node_id text,
  username text NOT NULL,
  display_name text,
  avatar_url text,
  is_bot boolean NOT NULL DEFAULT false,
  is_ghost boolean NOT NULL DEFAULT false,
  first_seen_at timestamptz,
  last_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contributors_username_idx ON contributors (lower(username));

CREATE TABLE pull_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  github_id bigint NOT NULL UNIQUE,
  node_id text,
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number integer NOT NULL,
  title text NOT NULL,
  body text,
  state text NOT NULL,
  draft boolean NOT NULL DEFAULT false,
  merged boolean NOT NULL DEFAULT false,
  author_id uuid REFERENCES contributors (id),
  base_ref text,
  head_ref text,
  additions integer,
  deletions integer,
  changed_files integer,
  labels text[] NOT NULL DEFAULT '{}',
  html_url text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  merged_at timestamptz,
  synced_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (repository_id, number)
);
${addEmbeddingColumns('pull_requests')}
CREATE INDEX pull_requests_repo_created_idx ON pull_requests (repository_id, created_at DESC);
CREATE INDEX pull_requests_repo_updated_idx ON pull_requests (repository_id, updated_at DESC);
CREATE INDEX pull_requests_author_idx ON pull_requests (author_id);

CREATE TABLE issues (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  github_id bigint NOT NULL UNIQUE,
  node_id text,
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number integer NOT NULL,
  title text NOT NULL,
  body text,
  state text NOT NULL,
  state_reason text,
  author_id uuid REFERENCES contributors (id),
  labels text[] NOT NULL DEFAULT '{}',
  comments_count integer NOT NULL DEFAULT 0,
  html_url text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  synced_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (repository_id, number)
);
${addEmbeddingColumns('issues')}
CREATE INDEX issues_repo_created_idx ON issues (repository_id, created_at DESC);
CREATE INDEX issues_repo_updated_idx ON issues (repository_id, updated_at DESC);
CREATE INDEX issues_author_idx ON issues (author_id);

CREATE TABLE reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  github_id bigint NOT NULL UNIQUE,
  node_id text,
  pull_request_id uuid NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  reviewer_id uuid REFERENCES contributors (id),
  state text NOT NULL,
  body text,
  submitted_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX reviews_pull_request_idx ON reviews (pull_request_id);
CREATE INDEX reviews_reviewer_idx ON reviews (reviewer_id);

-- Issue comments (on issues and PRs) and review comments (on diffs), told apart by comment_type.
CREATE TABLE comments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  github_id bigint NOT NULL,
  node_id text,
  comment_type text NOT NULL CHECK (comment_type IN ('issue_comment', 'review_comment')),
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  pull_request_id uuid REFERENCES pull_requests (id) ON DELETE CASCADE,
  issue_id uuid REFERENCES issues (id) ON DELETE CASCADE,
  review_id uuid REFERENCES reviews (id) ON DELETE CASCADE,
  commenter_id uuid REFERENCES contributors (id),
  body text,
  path text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (comment_type, github_id)
);
CREATE INDEX comments_pull_request_idx ON comments (pull_request_id);
CREATE INDEX comments_issue_idx ON comments (issue_id);
CREATE INDEX comments_commenter_idx ON comments (commenter_id);
CREATE INDEX comments_repo_idx ON comments (repository_id);

CREATE TABLE pr_files (
  pull_request_id uuid NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  path text NOT NULL,
  additions integer NOT NULL DEFAULT 0,
  deletions integer NOT NULL DEFAULT 0,
  change_type text,
  PRIMARY KEY (pull_request_id, path)
);

CREATE TABLE workspaces (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  total_repositories integer NOT NULL DEFAULT 0,
  total_contributors integer NOT NULL DEFAULT 0,
  total_pull_requests integer NOT NULL DEFAULT 0,
  total_issues integer NOT NULL DEFAULT 0,
  last_aggregated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workspace_repositories (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, repository_id)
);
CREATE INDEX workspace_repositories_repo_idx ON workspace_repositories (repository_id);

-- Per-stream cursors, committed in the same transaction as the rows of each page.
CREATE TABLE sync_state (
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  stream text NOT NULL,
  run_id uuid,
  mode text,
  cursor text,
  page_size integer,
  pages integer NOT NULL DEFAULT 0,
  rows integer NOT NULL DEFAULT 0,
  done boolean NOT NULL DEFAULT false,
  window_since timestamptz,
  window_until timestamptz,
  high_water_mark timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository_id, stream)
);

CREATE TABLE sync_runs (
  id uuid PRIMARY KEY,
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  mode text NOT NULL,
  window_since timestamptz,
  window_until timestamptz,
  status text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  requests integer NOT NULL DEFAULT 0,
  graphql_points integer NOT NULL DEFAULT 0,
  rows_written bigint NOT NULL DEFAULT 0,
  counts jsonb NOT NULL DEFAULT '{}',
  reconciliation jsonb,
  error text
);
CREATE INDEX sync_runs_repo_idx ON sync_runs (repository_id, started_at DESC);
`,
  },
  {
    version: 2,
    name: 'embedding priority view and cost ledger',
    sql: `
-- The runbook's monitoring view: what still needs an embedding, in priority order
-- (workspace repositories first, then issues, then PRs; newest first within each).
CREATE VIEW items_needing_embeddings_priority AS
SELECT x.item_type, x.id, x.repository_id, x.number, x.created_at, x.updated_at,
  (CASE WHEN EXISTS (SELECT 1 FROM workspace_repositories wr WHERE wr.repository_id = x.repository_id) THEN 0 ELSE 10 END) + x.type_rank AS priority
FROM (
  SELECT 'issue'::text AS item_type, 1 AS type_rank, i.id, i.repository_id, i.number, i.created_at, i.updated_at
  FROM issues i WHERE i.embedding IS NULL OR i.embedding_generated_at IS NULL OR i.embedding_generated_at < i.updated_at
  UNION ALL
  SELECT 'pull_request', 2, p.id, p.repository_id, p.number, p.created_at, p.updated_at
  FROM pull_requests p WHERE p.embedding IS NULL OR p.embedding_generated_at IS NULL OR p.embedding_generated_at < p.updated_at
) x;

-- What each embedding run cost, written with the batches it pays for.
CREATE TABLE embedding_costs (
  run_id uuid PRIMARY KEY,
  repository_id uuid REFERENCES repositories (id) ON DELETE SET NULL,
  model text NOT NULL,
  dimensions integer NOT NULL,
  requests integer NOT NULL DEFAULT 0,
  input_tokens bigint NOT NULL DEFAULT 0,
  items integer NOT NULL DEFAULT 0,
  usd numeric(14, 6) NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX pull_requests_embedding_due_idx ON pull_requests (repository_id) WHERE embedding_generated_at IS NULL;
CREATE INDEX issues_embedding_due_idx ON issues (repository_id) WHERE embedding_generated_at IS NULL;
`,
  },
  {
    version: 3,
    name: 'foreign-key indexes for deletes',
    // Untracking a repository cascades through reviews and their comments: without these, >60 s at 1 M comments.
    // IF NOT EXISTS: an operator may already have added them (the index maintenance runbook suggests them).
    sql: `
CREATE INDEX IF NOT EXISTS reviews_repository_idx ON reviews (repository_id);
CREATE INDEX IF NOT EXISTS comments_review_idx ON comments (review_id);
CREATE INDEX IF NOT EXISTS embedding_costs_repository_idx ON embedding_costs (repository_id);
`,
  },
  {
    version: 4,
    name: 'bot logins with their [bot] suffix',
    // GraphQL's Bot.login has no suffix; REST, commits and the web show "name[bot]".
    sql: `UPDATE contributors SET username = username || '[bot]', updated_at = now() WHERE is_bot AND username NOT LIKE '%[bot]';`,
  },
  {
    version: 5,
    name: 'embedding batches already stored',
    // A kill between a batch's warehouse commit and its removal from the local outbox leaves it to
    // be replayed: its vectors are stored again (harmless), its cost must not be counted again.
    sql: `
CREATE TABLE embedding_stored_batches (
  batch_id uuid PRIMARY KEY,
  run_id uuid NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX embedding_stored_batches_run_idx ON embedding_stored_batches (run_id);
`,
  },
];

/** The synced data (repositories, PRs, issues, reviews, comments, files, sync state, embedding ledger). */
export const warehouseCoreMigrations: WarehouseMigrationSet = { feature: 'warehouse', migrations: coreMigrations };
