// The Postgres check against the real PostgreSQL the test setup starts.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyPgError, postgresCheck, type PostgresCheckOptions } from '../../../src/main/health/postgres.ts';
import { runChecks } from '../../../src/main/health/run-checks.ts';
import type { CheckResult } from '../../../src/main/health/types.ts';
import { closedPort, startHttpFixtures, type HttpFixtures } from '../../helpers/http-fixtures.ts';
import { httpCheck } from '../../../src/main/health/http.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';
import { waitFor } from '../../helpers/temp.ts';

let db: { url: string; name: string; drop(): Promise<void> };
let admin: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('health');
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query('CREATE TABLE canary (id int)');
}, 60_000);

afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

async function check(options: Partial<PostgresCheckOptions> = {}, timeoutMs = 10_000): Promise<CheckResult> {
  const { results } = await runChecks([postgresCheck({ url: db.url, ...options })], { timeoutMs });
  return results[0]!;
}

function withUrl(change: (u: URL) => void): string {
  const u = new URL(db.url);
  change(u);
  return u.toString();
}

describe('Postgres check', () => {
  it('reports SELECT 1 latency, version, connections, size — and the app pool', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    const held = await pool.connect();
    const idle = await pool.connect();
    idle.release();
    try {
      const r = await check({ pool });
      expect(r).toMatchObject({ id: 'postgres', kind: 'postgres', name: 'PostgreSQL', status: 'healthy', findings: [] });
      expect(r.summary).toMatch(/^PostgreSQL \d+\.\d+ · SELECT 1 in [\d.]+ ms · \d+\/\d+ connections · [\d.]+ MB$/);
      expect(r.latencyMs).toBeGreaterThan(0);
      expect(r.details).toMatchObject({ database: db.name, readOnly: false, inRecovery: false, seesAllSessions: true, pool: { max: 4, total: 2, idle: 1, inUse: 1, waiting: 0, available: 3 } });
      const c = r.details.connections as { used: number; max: number };
      expect(c.used).toBeGreaterThanOrEqual(3); // admin, the pool's two, us
      expect(c.max).toBeGreaterThan(c.used);
      expect(r.details.sizeBytes).toBeGreaterThan(1_000_000);
      expect(r.details.version).toMatch(/^\d+\.\d+/);
      expect(JSON.stringify(r)).not.toContain(new URL(db.url).password);
    } finally {
      held.release();
      await pool.end();
    }
  });

  it('names a wrong password without echoing it', async () => {
    const r = await check({ url: withUrl((u) => (u.password = 'definitely-wrong-pw')) });
    expect(r.status).toBe('down');
    expect(r.summary).toMatch(/^Wrong password: Postgres at 127\.0\.0\.1:\d+\/health_\w+ rejected the password for "\w+"/);
    expect(r.details).toMatchObject({ failure: 'wrong_password', sqlState: '28P01' });
    expect(JSON.stringify(r)).not.toContain('definitely-wrong-pw');
  });

  it('refuses an empty URL instead of falling back to libpq defaults', async () => {
    const r = await check({ url: '' });
    expect(r).toMatchObject({ status: 'down', summary: 'No Postgres URL: set postgres_url in Settings → Secrets (or DATABASE_URL)', details: { failure: 'missing_url' } });
  });

  it('names a missing database', async () => {
    const r = await check({ url: withUrl((u) => (u.pathname = '/no_such_db')) });
    expect(r.summary).toMatch(/^Missing database: Postgres at 127\.0\.0\.1:\d+\/no_such_db: database "no_such_db" does not exist/);
    expect(r.details.failure).toBe('missing_database');
  });

  it('names an unreachable server quickly', async () => {
    const port = await closedPort();
    const t0 = performance.now();
    const r = await check({ url: withUrl((u) => (u.port = String(port))) });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.summary).toBe(`Unreachable: Postgres at 127.0.0.1:${port}/${db.name} is unreachable (ECONNREFUSED). Is it running, and is the host and port right?`);
  });

  it('names TLS problems: a server without TLS, and one that requires it', async () => {
    const r = await check({ url: withUrl((u) => u.searchParams.set('sslmode', 'require')) });
    expect(r.status).toBe('down');
    expect(r.summary).toMatch(/^TLS not supported by the server: Postgres at .* does not support TLS: remove sslmode=require/);
    // "TLS required" needs a hostssl-only server; the classification is checked on the server's own wording.
    expect(classifyPgError({ code: '28000', message: 'no pg_hba.conf entry for host "10.0.0.5", user "app", database "app", no encryption' })).toBe('tls_required');
    expect(classifyPgError({ code: '28000', message: 'no pg_hba.conf entry for host "10.0.0.5", user "app", database "app", SSL encryption' })).toBe('tls_required');
    expect(classifyPgError({ code: '28000', message: 'role "x" is not permitted to log in' })).toBe('access_denied');
  });

  it('reports a read-only database as degraded', async () => {
    const ro = await createTestDatabase('health_ro');
    try {
      await admin.query(`ALTER DATABASE ${ro.name} SET default_transaction_read_only = on`);
      const r = await check({ url: ro.url });
      expect(r.status).toBe('degraded');
      expect(r.summary).toMatch(/^Read-only: default_transaction_read_only is on, so sync and ETL writes will fail · PostgreSQL/);
      expect(r.details.readOnly).toBe(true);
      expect((await check({ url: ro.url, expectWritable: false })).status).toBe('healthy');
    } finally {
      await ro.drop();
    }
  });

  it('shows a long-running statement from another connection, with literals blanked', async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    const pid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const sleeping = other.query("SELECT pg_sleep(30), 'customer@example.com' AS who").catch((e: Error) => e);
    try {
      await waitFor('the sleep to run for over a second', async () => {
        const q = await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query_start < now() - interval '1.2 seconds'", [pid]);
        return q.rowCount === 1;
      });
      const r = await check({ thresholds: { slowQuerySeconds: 0.5, longQueryDegradedSeconds: 1 } });
      expect(r.status).toBe('degraded');
      const ours = (r.details.activeOverThreshold as { pid: number; query: string; seconds: number; state: string }[]).find((q) => q.pid === pid);
      expect(ours).toMatchObject({ state: 'active', query: "SELECT pg_sleep(30), '…' AS who" });
      expect(ours!.seconds).toBeGreaterThan(1);
      expect(r.details.longRunningQueries).toBeGreaterThanOrEqual(1);
      const finding = r.findings.find((f) => f.threshold === '> 1 s (pggit operations guide: long-running queries)');
      expect(finding?.message).toMatch(/^\d+ statements? running longer than 1 s \(longest [\d.]+ s, pid \d+: /);
      expect(JSON.stringify(r)).not.toContain('customer@example.com');
    } finally {
      await admin.query('SELECT pg_cancel_backend($1)', [pid]);
      expect(await sleeping).toBeInstanceOf(Error);
      await other.end();
    }
  });

  it('flags an app pool with every client checked out and callers waiting', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const a = await pool.connect();
    const b = await pool.connect();
    const waiting = pool.connect();
    try {
      const r = await check({ pool });
      expect(r.status).toBe('degraded');
      expect(r.findings).toEqual([{ status: 'degraded', message: 'App pool nearly exhausted: 2 of 2 clients in use, 1 waiting', threshold: 'in use / max > 0.9 (contributor-leaderboard operations: DatabaseConnectionPoolExhausted)' }]);
    } finally {
      a.release();
      (await waiting).release();
      b.release();
      await pool.end();
    }
  });

  it('applies threshold overrides (connections in use)', async () => {
    const r = await check({ thresholds: { connectionsDegradedRatio: 0.001 } });
    expect(r.status).toBe('degraded');
    expect(r.findings[0]).toMatchObject({ status: 'degraded', threshold: '> 0.1 % of max_connections' });
    expect(r.findings[0]!.message).toMatch(/^\d+ of \d+ connections in use \(\d+ %\)$/);
  });
});

describe('Postgres probe that hangs past its timeout', () => {
  let fx: HttpFixtures;
  beforeAll(async () => {
    fx = await startHttpFixtures();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('reports the timeout while the other checks finish on time, and leaves no session behind', async () => {
    // Another session holds an exclusive lock on the canary table: the probe waits on it.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE canary IN ACCESS EXCLUSIVE MODE');
    try {
      const finished: Record<string, number> = {};
      const t0 = performance.now();
      const run = await runChecks(
        [
          postgresCheck({ url: db.url, id: 'warehouse', probeQuery: 'SELECT count(*) FROM canary', timeoutMs: 1500 }),
          postgresCheck({ url: db.url, id: 'postgres' }),
          httpCheck({ name: 'api', url: fx.service('healthy') }, { rateWindowMs: 0 }),
        ],
        { timeoutMs: 5000, onResult: (r) => (finished[r.id] = performance.now() - t0) },
      );
      const total = performance.now() - t0;
      const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
      expect(byId.warehouse).toMatchObject({ status: 'down', summary: 'No answer: timed out after 1500 ms', details: { timedOut: true, timeoutMs: 1500 } });
      expect(byId.postgres!.status).toBe('healthy');
      expect(byId['http:api']!.status).toBe('healthy');
      expect(finished.postgres).toBeLessThan(1000);
      expect(finished['http:api']).toBeLessThan(1000);
      expect(total).toBeGreaterThanOrEqual(1490);
      expect(total).toBeLessThan(1500 + 500);
      expect(run.report).toMatchObject({ status: 'down', services: { warehouse: 'down', postgres: 'healthy', 'http:api': 'healthy' } });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // The abandoned probe's connection was closed: its backend exits once it stops waiting.
    await waitFor('the health check sessions to end', async () => {
      const q = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'repo-ops-health' AND datname = $1", [db.name]);
      return q.rows[0].n === 0;
    }, 10_000);
  });
});
