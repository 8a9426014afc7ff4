// Runbooks as executable checklists against a real Postgres and redis-server: checks, read-only
// queries, actions that refuse to run unconfirmed and run exactly what they previewed, the
// backup + restore test (pg_dump where a compatible one exists, a snapshot otherwise), secret
// rotation through the keychain, incident notes, the CLI; saved queries that try to write.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/main/warehouse/embedded.ts';
import type { RunbookRun } from '../../src/shared/contract/runbooks.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { startRedis, type RedisServer } from '../helpers/redis.ts';
import { tempDir } from '../helpers/temp.ts';
import { warehousePool } from '../helpers/warehouse.ts';

const DEBIAN_PG15 = '/usr/lib/postgresql/15/bin';

let redis: RedisServer;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let t: TestCore;
let profileId: string;
let repoId: string;

beforeAll(async () => {
  [redis, db] = await Promise.all([startRedis(), createTestDatabase('runbooks')]);
  t = await startTestCore();
  profileId = (await t.ops.profiles.create({ name: 'ops' })).id;
  await t.ops.secrets.set({ profileId, key: 'postgres_url', value: db.url });
  await t.ops.secrets.set({ profileId, key: 'redis_url', value: redis.url });
  await t.ops.warehouse.status(); // connects and migrates
  pool = warehousePool(db.url, 3);
  repoId = (await pool.query("INSERT INTO repositories (owner, name, full_name) VALUES ('octo', 'widgets', 'octo/widgets') RETURNING id")).rows[0].id;
  await pool.query(`INSERT INTO pull_requests (repository_id, github_id, number, title, state, created_at, updated_at)
    SELECT $1, g, g, 'PR ' || g, 'open', now() - g * interval '1 hour', now() FROM generate_series(1, 40) g`, [repoId]);
  // Sync history: 3 runs far outside a 90-day window, 2 inside it, 1 old one still running.
  for (const [age, status] of [[200, 'succeeded'], [150, 'failed'], [120, 'succeeded'], [10, 'succeeded'], [1, 'succeeded'], [300, 'running']] as const)
    await pool.query(`INSERT INTO sync_runs (id, repository_id, mode, status, started_at, finished_at) VALUES ($1, $2, 'full', $3, now() - make_interval(days => $4), CASE WHEN $3 = 'running' THEN NULL ELSE now() - make_interval(days => $4) END)`, [randomUUID(), repoId, status, age]);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await t?.close();
  await Promise.all([redis?.stop(), db?.drop()]);
});

const step = (run: RunbookRun, id: string) => run.steps.find((s) => s.stepId === id)!;
const count = async (sql: string, params: unknown[] = []) => Number((await pool.query(sql, params)).rows[0].n);

describe('runbooks', () => {
  it('run checks and read-only queries, record manual steps, and export an incident note', async () => {
    let run = await t.ops.runbooks.start({ runbookId: 'database-connection' });
    expect(run).toMatchObject({ status: 'open', operator: expect.any(String) });
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'check' });
    expect(step(run, 'check')).toMatchObject({ outcome: 'pass', summary: expect.stringMatching(/Postgres: healthy/) });
    run = await t.ops.runbooks.markStep({ runId: run.id, stepId: 'status', outcome: 'done', note: 'provider status page all green' });
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'connections' });
    expect(step(run, 'connections').outcome).toBe('done');
    expect((step(run, 'connections').output as { rowCount: number }).rowCount).toBeGreaterThan(0);
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'long' });
    expect(step(run, 'long').outcome).toBe('pass'); // nothing long-running
    run = await t.ops.runbooks.finish({ runId: run.id, status: 'resolved', note: 'false alarm' });
    await expect(t.ops.runbooks.runStep({ runId: run.id, stepId: 'check' })).rejects.toThrow(/closed/);
    const note = await t.ops.runbooks.incidentNote({ runId: run.id });
    expect(note.filename).toMatch(/^incident-database-connection-.*\.md$/);
    expect(note.content).toContain('# Incident note: Database connection errors');
    expect(note.content).toContain('✅ **Check the provider’s status page** — done');
    expect(note.content).toContain('note: provider status page all green');
    expect(note.content).toContain('⬜ **Verify the connection string** — pending');
    expect(note.content).toMatch(/## Notes\n\nfalse alarm/);
    expect((await t.ops.runbooks.runs({ limit: 5 }))[0]!.id).toBe(run.id);
  });

  it('retention: the dry run counts first, nothing is deleted unconfirmed, then exactly that many go', async () => {
    let run = await t.ops.runbooks.start({ runbookId: 'maintenance-retention' });
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'count' });
    const dry = step(run, 'count').output as { rows: unknown[][]; columns: { name: string }[] };
    const runsCol = dry.columns.findIndex((c) => c.name === 'runs');
    expect(dry.rows.reduce((a, r) => a + Number(r[runsCol]), 0)).toBe(4); // the running one is listed too
    const preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'delete', inputs: { days: '90' } });
    expect(preview.statements).toEqual(['DELETE FROM "repo_ops"."sync_runs" WHERE started_at < now() - make_interval(days => 90) AND status <> \'running\'']);
    expect(preview.note).toBe('3 sync runs would be deleted.');
    await expect(t.ops.runbooks.runStep({ runId: run.id, stepId: 'delete', inputs: { days: '90' } })).rejects.toThrow(/confirm/);
    expect(await count('SELECT count(*) AS n FROM sync_runs')).toBe(6);
    await expect(t.ops.runbooks.preview({ runId: run.id, stepId: 'delete', inputs: { days: '90; DROP TABLE sync_runs' } })).rejects.toThrow(/Days must be a positive whole number/);
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'delete', inputs: { days: '90' }, confirm: true });
    expect(step(run, 'delete')).toMatchObject({ outcome: 'done', summary: 'Deleted 3 sync runs older than 90 days', statements: preview.statements });
    expect(await count('SELECT count(*) AS n FROM sync_runs')).toBe(3);
    expect(await count("SELECT count(*) AS n FROM sync_runs WHERE status = 'running'")).toBe(1);
  });

  it('index maintenance: the preview is the statement; identifiers come from the catalog, never from input', async () => {
    const run = await t.ops.runbooks.start({ runbookId: 'maintenance-index' });
    await expect(t.ops.runbooks.preview({ runId: run.id, stepId: 'create', inputs: { table: 'pull_requests', columns: 'title); DROP TABLE issues; --' } })).rejects.toThrow(/pull_requests has no column "title\); DROP TABLE issues; --"/);
    await expect(t.ops.runbooks.preview({ runId: run.id, stepId: 'create', inputs: { table: 'nope', columns: 'x' } })).rejects.toThrow(/No table "nope"/);
    const preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'create', inputs: { table: 'pull_requests', columns: 'title, state' } });
    expect(preview.statements).toEqual(['CREATE INDEX CONCURRENTLY IF NOT EXISTS "pull_requests_title_state_idx" ON "repo_ops"."pull_requests" ("title", "state")']);
    const done = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'create', inputs: { table: 'pull_requests', columns: 'title, state' }, confirm: true });
    expect(step(done, 'create').outcome).toBe('done');
    expect(await count("SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'pull_requests_title_state_idx'")).toBe(1);
    const after = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'invalid' });
    expect(step(after, 'invalid').outcome).toBe('pass');
    expect(await count("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'issues'")).toBe(1);
  });

  it('VACUUM ANALYZE runs what it showed and the statistics say so', async () => {
    let run = await t.ops.runbooks.start({ runbookId: 'maintenance-vacuum' });
    await expect(t.ops.runbooks.preview({ runId: run.id, stepId: 'vacuum', inputs: { table: 'pull_requests; DROP TABLE x' } })).rejects.toThrow(/Choose one of/);
    const preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'vacuum', inputs: { table: 'pull_requests' } });
    expect(preview.statements).toEqual(['VACUUM (ANALYZE) "repo_ops"."pull_requests"']);
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'vacuum', inputs: { table: 'pull_requests' }, confirm: true });
    expect(step(run, 'vacuum').outcome).toBe('done');
    const { rows } = await pool.query("SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = 'pull_requests'");
    expect(rows[0].last_vacuum).not.toBeNull();
    expect(rows[0].last_analyze).not.toBeNull();
  });

  it('queue backlog: shows the queue length, deletes one exact key only when confirmed', async () => {
    const r = new Redis(redis.url);
    try {
      await r.rpush('bull:analysis:wait', 'a', 'b', 'c');
      await r.rpush('bull:other:wait', 'keep');
      let run = await t.ops.runbooks.start({ runbookId: 'queue-backlog' });
      run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'redis' });
      expect(step(run, 'redis').summary).toMatch(/Redis: (healthy|degraded)/);
      await expect(t.ops.runbooks.preview({ runId: run.id, stepId: 'clear', inputs: { key: 'bull:*:wait' } })).rejects.toThrow(/no wildcards/);
      const preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'clear', inputs: { key: 'bull:analysis:wait' } });
      expect(preview).toEqual({ statements: ['DEL bull:analysis:wait'], note: 'bull:analysis:wait is a list holding 3 jobs: they are lost.' });
      await expect(t.ops.runbooks.runStep({ runId: run.id, stepId: 'clear', inputs: { key: 'bull:analysis:wait' } })).rejects.toThrow(/confirm/);
      expect(await r.llen('bull:analysis:wait')).toBe(3);
      run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'clear', inputs: { key: 'bull:analysis:wait' }, confirm: true });
      expect(step(run, 'clear')).toMatchObject({ outcome: 'done', summary: 'Deleted bull:analysis:wait' });
      expect(await r.exists('bull:analysis:wait')).toBe(0);
      expect(await r.llen('bull:other:wait')).toBe(1);
    } finally {
      r.disconnect();
    }
  });

  it('pool exhausted: terminates the chosen stuck backend after showing its query', async () => {
    const victim = new pg.Client({ connectionString: db.url, application_name: 'stuck-worker' });
    await victim.connect();
    victim.on('error', () => {});
    const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const sleeping = victim.query('SELECT pg_sleep(60)').catch((e: Error) => e);
    try {
      let run = await t.ops.runbooks.start({ runbookId: 'pool-exhausted' });
      await expect(t.ops.runbooks.preview({ runId: run.id, stepId: 'terminate', inputs: { pid: 'abc' } })).rejects.toThrow(/pid must be a positive whole number/);
      let preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'terminate', inputs: { pid: String(pid) } });
      for (let i = 0; i < 50 && !/pg_sleep/.test(preview.note); i++) {
        await new Promise((r) => setTimeout(r, 100));
        preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'terminate', inputs: { pid: String(pid) } });
      }
      expect(preview.statements).toEqual([`SELECT pg_terminate_backend(${pid})`]);
      expect(preview.note).toMatch(/stuck-worker.*SELECT pg_sleep\(60\)/);
      run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'terminate', inputs: { pid: String(pid) }, confirm: true });
      expect(step(run, 'terminate')).toMatchObject({ outcome: 'done', summary: `Backend ${pid} terminated` });
      expect(String(await sleeping)).toMatch(/terminat/i);
    } finally {
      await victim.end().catch(() => {});
    }
  });

  it('leaked secret: the new value goes to the keychain and nowhere else', async () => {
    const fresh = 'sk-rotated-0123456789abcdef0123456789abcdef';
    let run = await t.ops.runbooks.start({ runbookId: 'leaked-secret' });
    await expect(t.ops.runbooks.setSecret({ runId: run.id, stepId: 'revoke', key: 'openai_key', value: fresh })).rejects.toThrow(/Not a secret step/);
    run = await t.ops.runbooks.setSecret({ runId: run.id, stepId: 'rotate', key: 'openai_key', value: fresh });
    expect(step(run, 'rotate')).toMatchObject({ outcome: 'done', summary: expect.stringMatching(/rotated in the OS keychain/) });
    expect(await t.core.secrets.get(profileId, 'openai_key')).toBe(fresh);
    const status = await t.ops.secrets.status({ profileId });
    expect(JSON.stringify(status)).not.toContain(fresh);
    expect(JSON.stringify(run)).not.toContain(fresh);
    expect((await t.ops.runbooks.incidentNote({ runId: run.id })).content).not.toContain(fresh);
    const logs = await t.ops.logs.query({ text: 'rotated', limit: 50 });
    expect(JSON.stringify(logs)).not.toContain(fresh);
    await t.ops.secrets.delete({ profileId, key: 'openai_key' });
  });

  it('backup and restore test on the embedded PostgreSQL (no pg_dump of its version): a consistent snapshot, counts compared', async () => {
    let run = await t.ops.runbooks.start({ runbookId: 'maintenance-backup' });
    await expect(t.ops.runbooks.preview({ runId: run.id, stepId: 'restore', inputs: {} })).rejects.toThrow(/No backup yet/);
    const preview = await t.ops.runbooks.preview({ runId: run.id, stepId: 'backup', inputs: {} });
    expect(preview.statements[0]).toMatch(/no pg_dump 18 or newer found/);
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'backup', confirm: true });
    expect(step(run, 'backup')).toMatchObject({ outcome: 'done', summary: expect.stringMatching(/with copy to/) });
    const manifest = step(run, 'backup').output as { tables: Record<string, number>; method: string };
    expect(manifest.tables).toMatchObject({ repositories: 1, pull_requests: 40, sync_runs: 3 });
    run = await t.ops.runbooks.runStep({ runId: run.id, stepId: 'restore', confirm: true });
    expect(step(run, 'restore')).toMatchObject({ outcome: 'pass', summary: expect.stringMatching(/every row count matches/) });
    const restored = step(run, 'restore').output as { database: string; tables: Record<string, { expected: number; restored: number }> };
    expect(restored.tables.pull_requests).toEqual({ expected: 40, restored: 40 });
    expect(await count('SELECT count(*) AS n FROM pg_database WHERE datname = $1', [restored.database])).toBe(0);
  });

  it('backup with pg_dump and a pg_restore test, where a compatible pg_dump exists (Debian PostgreSQL 15)', async () => {
    if (!existsSync(join(DEBIAN_PG15, 'pg_dump'))) throw new Error(`Missing prerequisite: ${DEBIAN_PG15}/pg_dump (Debian package postgresql-15; .ci/run installs it)`);
    const dir = tempDir();
    let cluster: EmbeddedCluster | undefined;
    const other = await startTestCore();
    try {
      cluster = await startEmbeddedPostgres(join(dir.dir, 'pg15'), { binDir: DEBIAN_PG15 });
      const p = await other.ops.profiles.create({ name: 'pg15' });
      await other.ops.secrets.set({ profileId: p.id, key: 'postgres_url', value: cluster.url });
      const info = await other.ops.warehouse.status();
      expect(info.serverVersion).toMatch(/^15\./);
      const c = new pg.Client({ connectionString: cluster.url });
      await c.connect();
      await c.query("INSERT INTO repositories (owner, name, full_name) VALUES ('a', 'b', 'a/b'), ('c', 'd', 'c/d')");
      // A hostile name on the pg_dump path too: counted, dumped and restored quoted.
      await c.query(`CREATE TABLE repo_ops."x;COMMIT;DROP TABLE repo_ops.repositories--" AS SELECT g AS id FROM generate_series(1, 3) g`);
      await c.end();
      let run = await other.ops.runbooks.start({ runbookId: 'maintenance-backup' });
      const preview = await other.ops.runbooks.preview({ runId: run.id, stepId: 'backup', inputs: {} });
      expect(preview.statements[0]).toMatch(new RegExp(`^${DEBIAN_PG15}/pg_dump --format=custom`));
      run = await other.ops.runbooks.runStep({ runId: run.id, stepId: 'backup', confirm: true });
      expect(step(run, 'backup')).toMatchObject({ outcome: 'done', summary: expect.stringMatching(/with pg_dump to/) });
      const manifest = step(run, 'backup').output as { file: string; method: string; tables: Record<string, number> };
      expect(manifest).toMatchObject({ method: 'pg_dump', tables: { repositories: 2, 'x;COMMIT;DROP TABLE repo_ops.repositories--': 3 } });
      expect(readFileSync(manifest.file).subarray(0, 5).toString()).toBe('PGDMP'); // custom-format archive
      run = await other.ops.runbooks.runStep({ runId: run.id, stepId: 'restore', confirm: true });
      expect(step(run, 'restore')).toMatchObject({ outcome: 'pass', summary: expect.stringMatching(/every row count matches/) });
    } finally {
      await other.close();
      await cluster?.stop();
      dir.cleanup();
    }
  });

  it('redacts what a step records (summaries, outputs, notes) before it is stored or exported', async () => {
    let run = await t.ops.runbooks.start({ runbookId: 'database-connection' });
    run = await t.ops.runbooks.markStep({ runId: run.id, stepId: 'url', outcome: 'done', note: 'fixed it: postgres://app:n3w/p@ss@db:5432/w, PGPASSWORD=n3w-pass' });
    expect(step(run, 'url').note).toBe('fixed it: postgres://app:[redacted]@db:5432/w, PGPASSWORD=[redacted]');
    const note = await t.ops.runbooks.incidentNote({ runId: run.id });
    expect(note.content).not.toMatch(/n3w/);
  });

  it('rejects unknown runbooks, steps and inputs with clear messages', async () => {
    await expect(t.ops.runbooks.start({ runbookId: 'nope' })).rejects.toThrow(/No runbook "nope"/);
    const run = await t.ops.runbooks.start({ runbookId: 'high-latency' });
    await expect(t.ops.runbooks.runStep({ runId: run.id, stepId: 'nope' })).rejects.toThrow(/has no step "nope"/);
    await expect(t.ops.runbooks.runStep({ runId: '00000000-0000-4000-8000-000000000000', stepId: 'x' })).rejects.toThrow(/No such runbook run/);
    await expect(t.ops.runbooks.preview({ runId: run.id, stepId: 'slow', inputs: {} })).rejects.toThrow(/Only action steps/);
  });
});

describe('saved queries through the contract', () => {
  it('refuse a statement that writes, when saving and when running', async () => {
    await expect(t.ops.queries.save({ name: 'cleanup', sql: 'DELETE FROM pull_requests', params: [] })).rejects.toThrow('This query writes (DELETE from pull_requests)');
    await expect(t.ops.queries.save({ name: 'sneaky', sql: 'WITH gone AS (DELETE FROM pull_requests RETURNING 1) SELECT count(*) FROM gone', params: [] })).rejects.toThrow(/write|read-only/i);
    expect(await count('SELECT count(*) AS n FROM pull_requests')).toBe(40);
  });

  it('bind parameters: injection attempts find nothing and change nothing', async () => {
    const saved = await t.ops.queries.save({ name: 'PRs by title', sql: 'SELECT number, title FROM pull_requests WHERE title = $1 ORDER BY number', params: [{ name: 'title', type: 'text', label: 'Title' }] });
    const hit = await t.ops.queries.runSaved({ id: saved.id, params: { title: 'PR 7' } });
    expect(hit.rows).toEqual([[7, 'PR 7']]);
    for (const attack of ["' OR '1'='1", "PR 7'; DROP TABLE pull_requests; --", "x'); DELETE FROM pull_requests; --"]) {
      const r = await t.ops.queries.runSaved({ id: saved.id, params: { title: attack } });
      expect(r.rows).toEqual([]);
    }
    expect(await count('SELECT count(*) AS n FROM pull_requests')).toBe(40);
    await expect(t.ops.queries.run({ id: 'backfill-1-coverage', params: { repository: "x' OR 1=1 --" } })).rejects.toThrow(/[Rr]epository/);
    const csv = await t.ops.queries.csv({ id: saved.id, saved: true, params: { title: 'PR 7' } });
    expect(csv.content.trim().split(/\r?\n/)).toEqual(['number,title', '7,PR 7']);
  });
});

describe('CLI', () => {
  const cli = (args: string[]) => runCli(args, { home: t.home, timeoutMs: 60_000 });

  it('repo-ops runbook list / run --yes records the run and writes the incident note', async () => {
    const list = await cli(['runbook', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/maintenance-retention\s+maintenance\s+Maintenance: retention cleanup/);
    const dir = tempDir();
    try {
      const note = join(dir.dir, 'note.md');
      const r = await cli(['runbook', 'run', 'maintenance-vacuum', '--yes', '--note-file', note]);
      expect(r.stderr).toMatch(/Incident note written/);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/will run:\n\s+VACUUM \(ANALYZE\) "repo_ops"\."pull_requests"/);
      expect(r.stdout).toMatch(/→ DONE: 12 tables vacuumed and analyzed/);
      expect(readFileSync(note, 'utf8')).toMatch(/✅ \*\*VACUUM \(ANALYZE\)\*\* — done/);
      const unknown = await cli(['runbook', 'run', 'nope']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/Unknown runbook "nope"/);
    } finally {
      dir.cleanup();
    }
  });

  it('repo-ops query run binds parameters and refuses bad ones', async () => {
    const r = await cli(['query', 'run', 'backfill-1-coverage', '--repo', 'octo/widgets', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowCount: 1 });
    const bad = await cli(['query', 'run', 'activity-by-day', '--repo', 'octo/widgets', '--param', 'period=ten']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/[Pp]eriod/);
    const missing = await cli(['query', 'run', 'no-such-query']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no-such-query/);
  });
});
