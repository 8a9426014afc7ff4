import type { WarehouseMigration } from '../../warehouse/migrations.ts';

// The optional LLM pass of What Shipped: one row per PR with the content hash the answer was
// for (so an unchanged PR is never scored or paid for twice), the answer or the error, and
// what it cost. `current`: the hash still matches the synced PR (its summary is applied).
export const llmMigration: WarehouseMigration = {
  version: 2,
  name: 'llm pr summaries and risk',
  sql: `
CREATE TABLE "etl_pr_llm" (
  "repo_name" text NOT NULL,
  "pr_number" integer NOT NULL,
  "content_hash" text NOT NULL,
  "prompt_version" integer NOT NULL,
  "model" text NOT NULL,
  "summary" text,
  "risk_score" numeric(3, 1),
  "risk_level" text,
  "risk_reasons" jsonb,
  "error" text,
  "current" boolean NOT NULL DEFAULT true,
  "input_tokens" integer NOT NULL DEFAULT 0,
  "output_tokens" integer NOT NULL DEFAULT 0,
  "usd" numeric(12, 6) NOT NULL DEFAULT 0,
  "github_requests" integer NOT NULL DEFAULT 0,
  "run_id" text,
  "scored_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("repo_name", "pr_number"),
  CHECK (("error" IS NULL) = ("summary" IS NOT NULL AND "risk_score" IS NOT NULL))
);
`,
};
