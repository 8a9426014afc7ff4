import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

// Texts cut to the model's input limit: one row per item as last embedded, so an operator can
// see (and query) how much of each was never embedded.
export const embeddingWarehouseMigrations: WarehouseMigrationSet = {
  feature: 'embedding-job',
  migrations: [
    {
      version: 1,
      name: 'embedding truncations',
      sql: `
CREATE TABLE embedding_truncations (
  item_id uuid PRIMARY KEY,
  item_type text NOT NULL,
  repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number integer NOT NULL,
  original_tokens integer NOT NULL,
  kept_tokens integer NOT NULL,
  model text NOT NULL,
  run_id uuid,
  truncated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX embedding_truncations_repository_idx ON embedding_truncations (repository_id);
`,
    },
  ],
};
