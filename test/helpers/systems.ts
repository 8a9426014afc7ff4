// The five runbook systems as real parts for tests: each one's tables in its own Postgres
// database (from the table definitions the runbooks give), BullMQ queues in a real redis-server
// populated through bullmq itself (waiting, delayed, failed, stalled), and HTTP fixtures for
// What the Repo's `GET /` and pgGit's API.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

export const FIXTURE_SQL = {
  'what-the-repo': (schema: string) => `
    CREATE TABLE ${q(schema)}.authors (username text PRIMARY KEY, name text);
    CREATE TABLE ${q(schema)}.author_metrics_daily (username text, repo_name text, date date, prs_opened int, updated_at timestamptz, PRIMARY KEY (username, repo_name, date));
    CREATE TABLE ${q(schema)}.author_metrics_window (username text, repo_name text, window_days int, prs int);
    CREATE TABLE ${q(schema)}.author_prs_window (username text, repo_name text, pr_number int);
    CREATE TABLE ${q(schema)}.author_file_ownership (username text, repo_name text, path text, share numeric);
    CREATE TABLE ${q(schema)}.repo_prs (repo_name text, number int, created_at timestamptz);
    INSERT INTO ${q(schema)}.authors SELECT 'dev' || g, 'Dev ' || g FROM generate_series(1, 12) g;
    INSERT INTO ${q(schema)}.author_metrics_daily SELECT 'dev' || g, 'octo/widgets', current_date - d, g, now() - interval '3 hours' FROM generate_series(1, 12) g, generate_series(1, 3) d;
    INSERT INTO ${q(schema)}.author_metrics_window SELECT 'dev' || g, CASE WHEN g % 3 = 0 THEN 'octo/gears' ELSE 'octo/widgets' END, w, g * w FROM generate_series(1, 12) g, unnest(ARRAY[7, 30, 90]) w;
    INSERT INTO ${q(schema)}.repo_prs SELECT 'octo/widgets', g, now() - g * interval '1 day' FROM generate_series(1, 30) g;`,
  leaderboard: (schema: string) => `
    CREATE TABLE ${q(schema)}.repositories (id serial PRIMARY KEY, full_name text NOT NULL);
    CREATE TABLE ${q(schema)}.scrape_jobs (id serial PRIMARY KEY, repository_id int REFERENCES ${q(schema)}.repositories, status text NOT NULL, started_at timestamptz, completed_at timestamptz, error_message text, created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE ${q(schema)}.scrape_windows (id serial PRIMARY KEY, repository_id int, data_start_date date, data_end_date date);
    CREATE TABLE ${q(schema)}.contribution_events (id bigserial PRIMARY KEY, repository_id int, contributor text, event_type text, event_timestamp timestamptz);
    CREATE TABLE ${q(schema)}.repository_leaderboards (repository_id int, contributor text, total_score numeric);
    CREATE TABLE ${q(schema)}.cost_records (id serial PRIMARY KEY, cost_usd numeric NOT NULL, created_at timestamptz NOT NULL);
    CREATE TABLE ${q(schema)}.audit_logs (id serial PRIMARY KEY, action text, timestamp timestamptz NOT NULL);
    INSERT INTO ${q(schema)}.repositories (full_name) VALUES ('octo/fresh'), ('octo/stale'), ('octo/never');
    INSERT INTO ${q(schema)}.scrape_jobs (repository_id, status, started_at, completed_at, created_at) VALUES
      (1, 'completed', now() - interval '2 hours', now() - interval '2 hours' + interval '90 seconds', now() - interval '2 hours'),
      (2, 'completed', now() - interval '3 days', now() - interval '3 days' + interval '30 seconds', now() - interval '3 days');
    INSERT INTO ${q(schema)}.scrape_jobs (repository_id, status, started_at, error_message, created_at) SELECT 3, 'failed', now() - g * interval '5 minutes', 'BigQueryTimeout: Query exceeded 5 minute timeout', now() - g * interval '5 minutes' FROM generate_series(1, 4) g;
    INSERT INTO ${q(schema)}.contribution_events (repository_id, contributor, event_type, event_timestamp) SELECT 1, 'dev' || (g % 5), 'push', now() - g * interval '1 hour' FROM generate_series(1, 50) g;
    INSERT INTO ${q(schema)}.repository_leaderboards SELECT 1, 'dev' || g, g * 10 FROM generate_series(1, 5) g;
    INSERT INTO ${q(schema)}.cost_records (cost_usd, created_at) VALUES (8.5, now()), (1.0, now() - interval '400 days'), (2.0, now() - interval '500 days');
    INSERT INTO ${q(schema)}.audit_logs (action, timestamp) SELECT 'scrape', now() - g * interval '30 days' - interval '1 day' FROM generate_series(0, 5) g;`,
  autodevops: (schema: string) => `
    CREATE TABLE ${q(schema)}.ai_usage (id bigserial PRIMARY KEY, user_id text NOT NULL, repository_id text, tokens_used int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE ${q(schema)}.analyses (id serial PRIMARY KEY, status text);
    INSERT INTO ${q(schema)}.ai_usage (user_id, repository_id, tokens_used, created_at) VALUES
      ('heavy', 'octo/widgets', 90000, now() - interval '1 hour'), ('heavy', 'octo/widgets', 30000, now() - interval '2 hours'),
      ('near', 'octo/gears', 85000, now() - interval '1 hour'), ('light', 'octo/gears', 1000, now()), ('old', 'octo/gears', 999999, now() - interval '3 days');`,
  pggit: (schema: string) => `
    CREATE TABLE ${q(schema)}.webhooks (id serial PRIMARY KEY, url text NOT NULL, is_active boolean NOT NULL DEFAULT true, created_at timestamptz DEFAULT now());
    CREATE TABLE ${q(schema)}.alerts (id serial PRIMARY KEY, severity text, created_at timestamptz DEFAULT now());
    CREATE TABLE ${q(schema)}.alert_delivery_queue (id bigserial PRIMARY KEY, webhook_id int REFERENCES ${q(schema)}.webhooks, alert_id int, delivery_status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO ${q(schema)}.webhooks (url) VALUES ('https://hooks.example/ok'), ('https://hooks.example/flaky'), ('https://hooks.example/dead');
    INSERT INTO ${q(schema)}.alert_delivery_queue (webhook_id, delivery_status, created_at) VALUES
      (1, 'delivered', now() - interval '10 minutes'), (2, 'delivered', now() - interval '2 hours'), (2, 'failed', now() - interval '1 hour'),
      (3, 'failed', now() - interval '50 minutes'), (3, 'failed', now() - interval '40 minutes'), (3, 'failed', now() - interval '30 minutes'),
      (3, 'failed', now() - interval '20 minutes'), (3, 'failed', now() - interval '10 minutes'), (3, 'failed', now() - interval '30 hours');
    INSERT INTO ${q(schema)}.alert_delivery_queue (webhook_id, delivery_status, created_at) SELECT 1 + g % 3, 'pending', now() - g * interval '1 minute' FROM generate_series(1, 25) g;`,
  'contributor-info': (schema: string) => `
    CREATE TABLE ${q(schema)}.repositories (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner text, name text, full_name text);
    CREATE TABLE ${q(schema)}.contributors (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), username text);
    CREATE TABLE ${q(schema)}.pull_requests (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), repository_id uuid, author_id uuid, title text, embedding real[]);
    CREATE TABLE ${q(schema)}.issues (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), repository_id uuid, title text, embedding real[]);
    INSERT INTO ${q(schema)}.pull_requests (title, embedding) SELECT 'PR ' || g, CASE WHEN g <= 6 THEN ARRAY[0.1, 0.2]::real[] END FROM generate_series(1, 8) g;
    INSERT INTO ${q(schema)}.issues (title, embedding) SELECT 'Issue ' || g, CASE WHEN g <= 1 THEN ARRAY[0.1]::real[] END FROM generate_series(1, 2) g;
    CREATE VIEW ${q(schema)}.items_needing_embeddings_priority AS
      SELECT 'pull_request' AS item_type, id FROM ${q(schema)}.pull_requests WHERE embedding IS NULL
      UNION ALL SELECT 'issue', id FROM ${q(schema)}.issues WHERE embedding IS NULL;`,
} as const;

export async function loadFixture(url: string, kind: keyof typeof FIXTURE_SQL, schema = 'public'): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    if (schema !== 'public') await c.query(`CREATE SCHEMA ${q(schema)}`);
    await c.query(FIXTURE_SQL[kind](schema));
  } finally {
    await c.end();
  }
}

/** Everything a database has that could change: relations, indexes, schemas, functions, extensions, row counts' shape aside. */
export async function catalogSnapshot(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(`
      SELECT 'rel ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text AS x FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      UNION ALL SELECT 'col ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attnum > 0 AND NOT a.attisdropped AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      UNION ALL SELECT 'schema ' || nspname FROM pg_namespace
      UNION ALL SELECT 'proc ' || n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      UNION ALL SELECT 'ext ' || extname FROM pg_extension
      ORDER BY 1`);
    return rows.map((r: { x: string }) => r.x);
  } finally {
    await c.end();
  }
}

export const AUTODEVOPS_QUEUES = ['analysis', 'sync', 'ci_generation'];

/** AutoDevOps's queues through bullmq: waiting, delayed, failed (with reasons) and one stalled job. */
export async function populateQueues(redisUrl: string): Promise<void> {
  const connection = { url: redisUrl };
  const [analysis, sync, ci] = AUTODEVOPS_QUEUES.map((n) => new Queue(n, { connection }));
  await analysis!.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'analyze', data: { repo: `octo/r${i}` } })));
  await analysis!.add('analyze', { repo: 'octo/later' }, { delay: 3_600_000 });
  await sync!.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'sync', data: { i } })));
  await ci!.add('generate', { repo: 'octo/ci' });
  // Two failures and one job whose worker died (active, lock gone) on the sync queue.
  const worker = new Worker('sync', null, { connection, autorun: false });
  const raw = new Redis(redisUrl);
  try {
    for (const reason of ['Gemini API 429: quota exceeded', 'Repository not found']) {
      const job = await worker.getNextJob('tok');
      await job!.moveToFailed(new Error(reason), 'tok', false);
    }
    const stalled = await worker.getNextJob('tok');
    await raw.del(`bull:sync:${stalled!.id}:lock`);
  } finally {
    await worker.close(true);
    raw.disconnect();
    await Promise.all([analysis!, sync!, ci!].map((x) => x.close()));
  }
}

export interface SystemHttp {
  whatTheRepo: string;
  pggit: string;
  hanging: string;
  calls: string[];
  hitRate: { value: number };
  close(): Promise<void>;
}

/** What the Repo answers at `/`; pgGit's API; one service that never answers. */
export async function startSystemHttp(): Promise<SystemHttp> {
  const calls: string[] = [];
  const hitRate = { value: 0.62 };
  const json = (res: ServerResponse, body: unknown, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const wtr = createServer((req, res) => {
    calls.push(`wtr ${req.method} ${req.url}`);
    if (req.url === '/') return json(res, { status: 'healthy', timestamp: new Date().toISOString(), version: '1.0.0', services: { supabase: 'connected', milvus: 'connected', openai: 'connected' } });
    json(res, { detail: 'Not Found' }, 404);
  });
  const pggit = createServer((req, res) => {
    calls.push(`pggit ${req.method} ${req.url} ${req.headers['x-api-key'] ?? ''}`);
    if (req.url === '/health') return json(res, { status: 'healthy' });
    if (req.url === '/api/v1/cache/stats') return json(res, { hit_rate: hitRate.value, cache_stats: { hits: 620, misses: 380, p99_ms: 41 } });
    if (req.method === 'POST' && req.url === '/api/v1/cache/warm') {
      hitRate.value = 0.93;
      return json(res, { status: 'warmed', entries: 128 });
    }
    if (req.method === 'POST' && req.url === '/api/v1/webhooks/retry-pending') return json(res, { retried: 25 });
    if (req.url === '/api/v1/alerts') return json(res, { total: 3, items: [{ id: 1, severity: 'CRITICAL' }, { id: 2, severity: 'WARNING' }, { id: 3, severity: 'WARNING' }] });
    json(res, { detail: 'Not Found' }, 404);
  });
  const hanging = createServer(() => {
    // never answers
  });
  const listen = (s: Server) => new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
  const [a, b, c] = await Promise.all([listen(wtr), listen(pggit), listen(hanging)]);
  return {
    whatTheRepo: a,
    pggit: b,
    hanging: c,
    calls,
    hitRate,
    async close() {
      for (const s of [wtr, pggit, hanging]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}
