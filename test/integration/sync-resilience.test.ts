import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renameRepository } from '../emulators/github/dataset.ts';
import { startEmbeddedPostgres } from '../../src/main/warehouse/embedded.ts';
import { createPool } from '../../src/main/warehouse/pool.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { datasetSnapshot, smallDataset, startSyncEnv, warehouseSnapshot, type SyncEnv } from '../helpers/sync-env.ts';
import { tempDir, waitFor } from '../helpers/temp.ts';

const REPO = 'octo/widgets';
let env: SyncEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function syncToEnd(e: SyncEnv, req: Parameters<SyncEnv['t']['ops']['repos']['sync']>[0]) {
  const run = await e.t.ops.repos.sync(req);
  return e.t.core.jobs.wait(run.id);
}

async function expectExact(e: SyncEnv) {
  const got = await warehouseSnapshot(e.pool, REPO);
  const want = datasetSnapshot(e.dataset, REPO);
  expect(got!.prs).toEqual(want.prs);
  expect(got!.issues).toEqual(want.issues);
  expect(got!.commits).toEqual(want.commits);
  expect(got!.releases).toEqual(want.releases);
}

describe('sync resilience', () => {
  it('completes through a secondary-rate-limit storm and GraphQL 502s', async () => {
    env = await startSyncEnv({
      emulator: {
        faults: [
          { kind: 'secondary', status: 403, retryAfterSec: 1, every: 3, times: 4 },
          { kind: 'secondary', status: 429, retryAfterSec: 1, atRequests: [2], times: 1 },
          { kind: 'status', status: 502, api: 'graphql', atRequests: [4, 5], times: 2 },
          { kind: 'status', status: 503, api: 'graphql', atRequests: [9], times: 1 },
        ],
      },
    });
    const run = await syncToEnd(env, { repository: REPO, mode: 'full' });
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const stats = (run.result as { github: { secondaryLimitHits: number; pageSizeReductions: number; retries: number } }).github;
    expect(stats.secondaryLimitHits).toBeGreaterThanOrEqual(4);
    expect(stats.retries).toBeGreaterThanOrEqual(2);
    expect(env.emulator.stats.secondaryRateLimited).toBeGreaterThanOrEqual(4);
    await expectExact(env);
    const warnings = (await env.t.ops.logs.query({ runId: run.id, levels: ['warn'], limit: 50 })).entries.map((e) => e.event);
    expect(warnings).toEqual(expect.arrayContaining(['secondary_rate_limit']));
  });

  it('halves the page size when GitHub times out on a heavy query', async () => {
    env = await startSyncEnv({ emulator: { faults: [{ kind: 'graphqlTimeout', maxNodes: 20_000, times: 3 }] } });
    const run = await syncToEnd(env, { repository: REPO, mode: 'full' });
    expect(run.status).toBe('succeeded');
    expect((run.result as { github: { pageSizeReductions: number } }).github.pageSizeReductions).toBeGreaterThan(0);
    await expectExact(env);
  });

  it('marks the run incomplete when GitHub’s pages leave out items its totalCount includes', async () => {
    const dataset = smallDataset();
    const omit = dataset.repositories[0]!.pullRequests.slice(10, 12).map((p) => p.number);
    env = await startSyncEnv({ dataset, emulator: { faults: [{ kind: 'omitFromPages', repo: REPO, pullRequestNumbers: omit }] } });
    const run = await syncToEnd(env, { repository: REPO, mode: 'full' });
    expect(run.status).toBe('incomplete');
    expect(run.result).toMatchObject({ reconciliation: { ok: false, pullRequests: { github: 120, stored: 118, match: false }, issues: { match: true } } });
    const [row] = await env.t.ops.repos.list();
    expect(row!.lastRun).toMatchObject({ status: 'incomplete', reconciliation: { ok: false } });
  });

  it('follows a renamed repository and records the old name', async () => {
    const dataset = smallDataset(3, 10, 5, 0);
    renameRepository(dataset, REPO, 'octo/gadgets');
    env = await startSyncEnv({ dataset });
    const tracked = await env.t.ops.repos.track({ repository: REPO });
    expect(tracked.renamedFrom).toBe(REPO);
    expect(tracked.repository).toMatchObject({ fullName: 'octo/gadgets', previousNames: [REPO] });
    const run = await syncToEnd(env, { repository: REPO, mode: 'full' });
    expect(run.status).toBe('succeeded');
    expect(run.result).toMatchObject({ repository: 'octo/gadgets' });
  });

  it('says clearly when the token is wrong or GitHub is unreachable', async () => {
    env = await startSyncEnv();
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'github_token', value: 'ghp_wrongwrongwrongwrongwrongwrongwrong' });
    await expect(env.t.ops.repos.track({ repository: REPO })).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringContaining('GitHub rejected the token (401 Bad credentials)') });
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'github_token', value: env.emulator.token });
    await env.t.ops.profiles.update({ id: env.profileId, patch: { githubApiUrl: 'http://127.0.0.1:9' } });
    await expect(env.t.ops.repos.track({ repository: REPO })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('GitHub is unreachable at http://127.0.0.1:9') });
  });

  it('says clearly when the warehouse is unreachable or the password is wrong', async () => {
    env = await startSyncEnv();
    const u = new URL(env.db.url);
    u.password = 'definitely-wrong';
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'postgres_url', value: u.toString() });
    await expect(env.t.ops.warehouse.status()).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/rejected the password for "repo_ops"/) });
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'postgres_url', value: 'postgres://u:p@127.0.0.1:9/db' });
    const err = (await env.t.ops.warehouse.status().catch((e: Error) => e)) as Error;
    expect(err).toMatchObject({ code: 'unavailable', message: 'Postgres at 127.0.0.1:9/db is unreachable (ECONNREFUSED). Is it running, and is the host and port right?' });
    expect(err.message).not.toContain(':p@');
  });

  it('fails clearly when Postgres restarts mid-run, then resumes to an exact result', async () => {
    const tmp = tempDir();
    let cluster = await startEmbeddedPostgres(join(tmp.dir, 'pg'));
    try {
      // Slow pages (600 ms each: the pull requests' ten cursors take two pages each) so that Postgres
      // goes down while the run is surely mid-way.
      env = await startSyncEnv({ dataset: smallDataset(5, 600, 100, 1), emulator: { latencyMs: 600 } });
      await env.t.ops.secrets.set({ profileId: env.profileId, key: 'postgres_url', value: cluster.url });
      const run = await env.t.ops.repos.sync({ repository: REPO, mode: 'full' });
      await waitFor('a committed page', async () => {
        const s = await env!.t.ops.jobs.get({ runId: run.id });
        if (s.status !== 'running') throw new Error(`the run is ${s.status} (${s.error}) before Postgres could be stopped`);
        return s.progress.done >= 100 || null;
      }, 30_000, 20);
      await cluster.stop();
      const failed = await env.t.core.jobs.wait(run.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/Postgres at 127\.0\.0\.1:\d+\/postgres (is unreachable|is shutting down|: The connection to|.*lost)|connection to Postgres/);
      cluster = await startEmbeddedPostgres(join(tmp.dir, 'pg'));
      const resumed = await env.t.ops.repos.sync({ repository: REPO, mode: 'full' });
      expect(resumed).toMatchObject({ id: run.id, attempt: 2 });
      const done = await env.t.core.jobs.wait(run.id);
      expect(done.status).toBe('succeeded');
      // The core's pool: its clients, still closing after end() when the cluster stops, report the shutdown to a listener instead of crashing the test.
      const clusterPool = createPool(cluster.url, { max: 2 });
      try {
        expect((await warehouseSnapshot(clusterPool, REPO))!.prs).toEqual(datasetSnapshot(env.dataset, REPO).prs);
        expect((await warehouseSnapshot(clusterPool, REPO))!.issues).toEqual(datasetSnapshot(env.dataset, REPO).issues);
      } finally {
        await clusterPool.end();
      }
    } finally {
      await cluster.stop();
      tmp.cleanup();
    }
  });

  it('resumes after kill -9 of the sync process at random points: identical tables, no duplicates', async () => {
    env = await startSyncEnv({ dataset: smallDataset(7, 900, 150, 2), emulator: { latencyMs: 30 } });
    const { url, token } = { url: env.emulator.url, token: env.emulator.token };
    expect(url && token).toBeTruthy();
    const args = ['sync', REPO, '--full-refresh'];
    const opts = { home: env.t.home };
    // Random kill points (logged, so a failure can be replayed by hand): in the PRs, then in the
    // default branch's commits (9 PR and 2 issue pages come first).
    const killPoints = [1 + Math.floor(Math.random() * 3), 4 + Math.floor(Math.random() * 3), 12 + Math.floor(Math.random() * 4)];
    console.log(`kill -9 after pages ${killPoints.join(', ')}`);
    // Before the first process migrates the warehouse there is no sync_state yet: nothing committed.
    const committed = async () => {
      if (!(await env!.pool.query("SELECT to_regclass('sync_state') IS NOT NULL AS ready")).rows[0].ready) return 0;
      return (await env!.pool.query('SELECT COALESCE(SUM(pages), 0)::int AS p FROM sync_state')).rows[0].p as number;
    };
    for (const pages of killPoints) {
      // Pages commit concurrently: the previous process may have passed this kill point already, and
      // a process killed before it committed a page of its own has not made an attempt.
      const before = await committed();
      const child = spawn(process.execPath, [join(ROOT, 'src', 'main', 'cli', 'main.ts'), ...args], { env: { ...process.env, REPO_OPS_HOME: env.t.home, NO_COLOR: '1' }, stdio: 'ignore' });
      await waitFor(`page ${pages} committed`, async () => {
        return (await committed()) >= Math.max(pages, before + 1) || child.exitCode !== null || null;
      }, 60_000, 5);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    const last = await runCli(args, { ...opts, timeoutMs: 120_000 });
    expect(last.stderr).toMatch(/Resuming interrupted run .* \(attempt 4\)/);
    expect(last.code).toBe(0);
    expect(last.stdout).toMatch(/^Complete: octo\/widgets/);
    await expectExact(env);
    const dupes = await env.pool.query('SELECT (SELECT count(*) - count(DISTINCT github_id) FROM pull_requests) + (SELECT count(*) - count(DISTINCT github_id) FROM comments) + (SELECT count(*) - count(DISTINCT sha) FROM commits) AS d');
    const commitPages = await env.pool.query("SELECT pages FROM sync_state WHERE stream = 'commits'");
    expect(commitPages.rows[0].pages).toBeGreaterThan(3);
    expect(Number(dupes.rows[0].d)).toBe(0);
    const { rows } = await env.pool.query('SELECT count(*)::int AS runs FROM sync_runs');
    expect(rows[0].runs).toBe(1);
  }, 180_000); // four CLI processes start and sync on a shared 2-core machine
});
