import type { MigrationSet } from '../store/migrations.ts';

export const embeddingStoreMigrations: MigrationSet = {
  feature: 'embedding-job',
  migrations: [
    {
      version: 1,
      name: 'embedding outbox',
      sql: `
        -- Vectors already paid for but not yet in Milvus and the warehouse: replayed on
        -- resume, so a crash between the API answer and the writes never pays twice.
        CREATE TABLE embedding_outbox (
          run_id TEXT NOT NULL,
          batch_no INTEGER NOT NULL,
          payload TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (run_id, batch_no)
        );
      `,
    },
  ],
};
