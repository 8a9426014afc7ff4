import type { WarehouseMigrationSet } from '../warehouse/migrations.ts';

// Tables only: rows that must exist (the policy, built-in rules, the desktop channel) are
// created on first use by ensureDefaults, so a restored snapshot never collides with them.
export const alertMigrations: WarehouseMigrationSet = {
  feature: 'alerts',
  migrations: [
    {
      version: 1,
      name: 'channels, rules, alerts, silences, delivery outbox',
      sql: `
CREATE TABLE alert_policy (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  policy jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE alert_channels (
  id text PRIMARY KEY,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('slack', 'webhook', 'email', 'pagerduty', 'desktop')),
  config jsonb NOT NULL DEFAULT '{}',
  severities text[] NOT NULL DEFAULT '{P1,P2,P3,P4}',
  escalate_to text REFERENCES alert_channels (id) ON DELETE SET NULL,
  rate_per_second double precision,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per channel: the circuit breaker and the token bucket, shared by every delivering process.
-- A deliverer holds this row's lock while it sends, so a channel is served by one process at a time.
CREATE TABLE alert_channel_state (
  channel_id text PRIMARY KEY REFERENCES alert_channels (id) ON DELETE CASCADE,
  consecutive_failures integer NOT NULL DEFAULT 0,
  open_until timestamptz,
  tokens double precision,
  tokens_at timestamptz,
  last_success_at timestamptz,
  last_failure_at timestamptz,
  last_error text
);

CREATE TABLE alert_rules (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  severity text NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
  for_seconds double precision NOT NULL DEFAULT 0,
  repeat_seconds double precision NOT NULL DEFAULT 14400,
  send_resolved boolean NOT NULL DEFAULT true,
  channels text[],
  enabled boolean NOT NULL DEFAULT true,
  builtin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alerts (
  id bigserial PRIMARY KEY,
  rule_id text NOT NULL,
  fingerprint text NOT NULL,
  labels jsonb NOT NULL,
  severity text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  summary text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  pending_since timestamptz,
  fired_at timestamptz,
  resolved_at timestamptz,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  last_notified_at timestamptz,
  notifications integer NOT NULL DEFAULT 0,
  acknowledged_at timestamptz,
  acknowledged_by text,
  silenced_by text
);
-- One open alert per rule and label set: concurrent evaluators meet on this index.
CREATE UNIQUE INDEX alerts_open_key ON alerts (rule_id, fingerprint) WHERE state <> 'resolved';
CREATE INDEX alerts_recent_idx ON alerts (last_seen_at DESC);

CREATE TABLE alert_silences (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  matchers jsonb NOT NULL,
  starts_at timestamptz NOT NULL DEFAULT now(),
  ends_at timestamptz NOT NULL,
  comment text NOT NULL,
  created_by text NOT NULL
);

-- pgGit's delivery queue: one row per notification and channel, delivered once.
CREATE TABLE alert_outbox (
  id bigserial PRIMARY KEY,
  channel_id text NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
  group_key text NOT NULL,
  kind text NOT NULL,
  severity text NOT NULL,
  alerts jsonb NOT NULL DEFAULT '[]',
  payload jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  -- Failed probes of a channel whose circuit was open: they do not use up the notification's retries.
  probe_failures integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  response_code integer,
  response_ms double precision,
  last_error text,
  escalated_at timestamptz,
  escalated_from bigint REFERENCES alert_outbox (id) ON DELETE SET NULL
);
CREATE INDEX alert_outbox_due_idx ON alert_outbox (channel_id, next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX alert_outbox_escalation_idx ON alert_outbox (created_at) WHERE status <> 'delivered' AND escalated_at IS NULL;
-- Foreign keys are indexed (deleting a channel or pruning old notifications stays cheap).
CREATE INDEX alert_outbox_channel_idx ON alert_outbox (channel_id);
CREATE INDEX alert_outbox_escalated_from_idx ON alert_outbox (escalated_from);
CREATE INDEX alert_channels_escalate_to_idx ON alert_channels (escalate_to);
`,
    },
  ],
};

/**
 * First use of a warehouse's alerts: the policy row, the built-in rules and — what the console did
 * before alerts existed — OS notifications from the open window for P1–P3. Only once: an operator
 * who removes the desktop channel or a rule's edits are never undone.
 */
export const ENSURE_DEFAULTS_SQL = `
WITH first AS (INSERT INTO alert_policy (id) VALUES (true) ON CONFLICT DO NOTHING RETURNING id),
rules AS (
  INSERT INTO alert_rules (id, name, kind, params, severity, for_seconds, repeat_seconds, builtin)
  SELECT v.id, v.name, v.kind, v.params::jsonb, v.severity, v.for_seconds, v.repeat_seconds, v.builtin FROM (VALUES
  ('service-down', 'Service down', 'health', '{"statuses": ["down"]}', 'P1', 0, 3600, true),
  ('service-degraded', 'Service degraded', 'health', '{"statuses": ["degraded"]}', 'P3', 600, 14400, true),
  ('job-failed', 'Job failed', 'job', '{"outcomes": ["failed"]}', 'P2', 0, 86400, true),
  ('job-incomplete', 'Job incomplete (verification red)', 'job', '{"outcomes": ["incomplete"]}', 'P3', 0, 86400, true),
  ('budget-warning', 'Budget above its warning threshold', 'budget', '{"levels": ["warning"]}', 'P3', 0, 86400, true),
  ('budget-critical', 'Budget critical or exhausted', 'budget', '{"levels": ["critical", "exceeded"]}', 'P2', 0, 14400, true),
  ('secret-rotation', 'Secret rotation due', 'secret_rotation', '{}', 'P4', 0, 86400, true),
  ('github-rate-limit', 'GitHub rate limit running low', 'github_rate_limit', '{"belowPct": 10}', 'P3', 0, 3600, true)
  ) AS v(id, name, kind, params, severity, for_seconds, repeat_seconds, builtin), first
  ON CONFLICT DO NOTHING RETURNING 1
)
INSERT INTO alert_channels (id, name, type, severities)
SELECT 'desktop', 'Desktop notifications', 'desktop', '{P1,P2,P3}' FROM first
ON CONFLICT DO NOTHING;
-- Built-in rules added after a warehouse's first use (built-in rules cannot be deleted, only disabled).
INSERT INTO alert_rules (id, name, kind, params, severity, for_seconds, repeat_seconds, builtin)
VALUES ('schedule-tick', 'Scheduled tick missed or skipped', 'schedule', '{"tickOutcomes": ["missed", "skipped", "failed", "deadline_exceeded"]}', 'P3', 0, 86400, true)
ON CONFLICT DO NOTHING`;
