import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

export const costMigrations: WarehouseMigrationSet = {
  feature: 'costs',
  migrations: [
    {
      version: 1,
      name: 'cost ledger and budgets',
      sql: `
-- Every paid (or rate-limited) unit of work, as it is committed: the ledger behind the Costs
-- page and every budget. Written in the same transaction as the work it pays for.
CREATE TABLE cost_entries (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  category text NOT NULL CHECK (category IN ('embeddings', 'llm', 'github')),
  model text,
  run_id uuid,
  job_kind text,
  repository_id uuid REFERENCES repositories (id) ON DELETE SET NULL,
  repository text,
  requests integer NOT NULL DEFAULT 0,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  points integer NOT NULL DEFAULT 0,
  items integer NOT NULL DEFAULT 0,
  usd numeric(14, 6) NOT NULL DEFAULT 0
);
CREATE INDEX cost_entries_at_idx ON cost_entries (at);
CREATE INDEX cost_entries_run_idx ON cost_entries (run_id);
CREATE INDEX cost_entries_repository_idx ON cost_entries (repository_id);

-- Embedding runs recorded before the ledger existed: one entry per run, at its start.
INSERT INTO cost_entries (at, category, model, run_id, job_kind, repository_id, repository, requests, input_tokens, items, usd)
SELECT c.started_at, 'embeddings', c.model, c.run_id, 'embed', c.repository_id, r.full_name, c.requests, c.input_tokens, c.items, c.usd
FROM embedding_costs c LEFT JOIN repositories r ON r.id = c.repository_id;

CREATE TABLE budgets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  metric text NOT NULL CHECK (metric IN ('usd', 'tokens', 'github_points')),
  period text NOT NULL CHECK (period IN ('month', 'day', 'hour', 'job')),
  cap numeric(20, 6) NOT NULL CHECK (cap > 0),
  category text NOT NULL,
  repository text,
  warn_pct integer NOT NULL DEFAULT 80,
  critical_pct integer NOT NULL DEFAULT 95,
  enforce boolean NOT NULL DEFAULT true,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
    },
  ],
};
