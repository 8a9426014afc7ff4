import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

// One budget per credential (GitHub token, OpenAI key — by a hash, never the secret), shared by every
// process using it: the warehouse is the one place all workers and consoles see.
export const rateBudgetMigrations: WarehouseMigrationSet = {
  feature: 'rate-budgets',
  migrations: [
    {
      version: 1,
      name: 'shared rate budgets',
      sql: `
-- Per resource: a bucket of points refilling continuously at capacity per minute (GitHub's secondary
-- points per minute, OpenAI's tokens/requests per minute) and the server's own fixed window (GitHub's
-- primary limit: what is left until the reset), both spent before a request is sent.
CREATE TABLE rate_buckets (
  budget text NOT NULL,
  resource text NOT NULL,
  capacity double precision CHECK (capacity > 0),
  level double precision NOT NULL DEFAULT 0,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  window_remaining double precision,
  window_reset timestamptz,
  PRIMARY KEY (budget, resource)
);

-- Requests in flight, one row per slot: at most the budget's concurrency across every process.
-- A holder renews its slots while it lives; a killed one's slots expire.
CREATE TABLE rate_slots (
  budget text NOT NULL,
  slot integer NOT NULL,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (budget, slot)
);
`,
    },
  ],
};
