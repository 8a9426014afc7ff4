// Jobs on pg-boss with real processes: a console (this test's core, sending work and watching it) and two
// `repo-ops worker` processes on one warehouse, against the GitHub emulator. A sync started here runs on a
// worker and shows live progress here; kill -9 of that worker → the other one takes the run over by its
// missing heartbeat and finishes it from its checkpoint: every row there, none twice, reconciliation green.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/compose.ts';
import { inProcessClient } from '../../src/main/rpc/in-process.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { smallDataset, startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';
import { tempDir, waitFor } from '../helpers/temp.ts';

const REPO = 'octo/widgets';
let env: SyncEnv;
const homes: ReturnType<typeof tempDir>[] = [];
const workers: ChildProcess[] = [];
const output: string[] = [];
void output;

/** A worker's data directory with a profile on the emulator (its secrets are in the shared test keychain). */
async function workerHome(): Promise<string> {
  const home = tempDir();
  homes.push(home);
  const core = await createCore({ home: home.dir, mode: 'test', env: {} });
  const ops = inProcessClient(core.rpc);
  const p = await ops.profiles.create({ name: 'worker', githubApiUrl: env.emulator.url });
  await ops.secrets.set({ profileId: p.id, key: 'github_token', value: env.emulator.token });
  await ops.secrets.set({ profileId: p.id, key: 'postgres_url', value: env.db.url });
  await core.close();
  return home.dir;
}

function startWorker(home: string): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'src', 'main', 'cli', 'main.ts'), 'worker', '--concurrency', '1', '--kinds', 'github-sync'], { env: { ...process.env, REPO_OPS_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  workers.push(child);
  return child;
}

beforeAll(async () => {
  // Slow pages: a sync spans a few seconds, so it can be killed in the middle.
  env = await startSyncEnv({ dataset: smallDataset(7, 150, 60, 2), emulator: { latencyMs: 120 } });
  await env.t.core.workers.join({ work: false, concurrency: 1 });
  const [a, b] = [await workerHome(), await workerHome()];
  startWorker(a);
  startWorker(b);
  await waitFor('two workers up', async () => (await env.t.ops.workers.list()).workers.filter((w) => w.alive).length === 2 || null, 60_000, 200);
}, 180_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await env?.close();
  for (const h of homes) h.cleanup();
});

describe('workers on the warehouse queue', () => {
  it('a sync runs on a worker, live here; kill -9 of that worker → the other finishes it with nothing lost or doubled', async () => {
    const run = await env.t.core.jobs.enqueue('github-sync', { repository: REPO, mode: 'full' });
    expect(run.status).toBe('queued');
    // Live here, whichever worker runs it: progress replicated from the warehouse.
    const running = await waitFor('progress on a worker', () => {
      const r = env.t.core.jobs.get(run.id);
      return r.status === 'running' && r.progress.done > 0 ? r : null;
    }, 60_000, 50);
    const list = await env.t.ops.workers.list();
    const holder = list.workers.find((w) => w.currentRuns.some((c) => c.id === run.id));
    expect(holder, JSON.stringify(list)).toBeDefined();
    const victim = workers.find((w) => w.pid === holder!.pid)!;
    expect(running.progress.total).toBeGreaterThan(running.progress.done);

    const killedAt = Date.now();
    victim.kill('SIGKILL');
    const done = await waitFor('finished by the other worker', () => {
      const r = env.t.core.jobs.get(run.id);
      return r.status === 'succeeded' ? r : null;
    }, 90_000, 100);
    const failoverS = (Date.now() - killedAt) / 1000;
    expect(failoverS).toBeLessThan(60);
    const after = await env.t.ops.workers.list();
    // Its heartbeat stopped when it died (it shows as gone after 30 s).
    expect(after.workers.find((w) => w.pid === holder!.pid)!.heartbeatAgeSeconds).toBeGreaterThanOrEqual(Math.floor(failoverS) - 2);
    console.info(`failover after kill -9: ${failoverS.toFixed(1)} s`);
    expect(done.attempt).toBeGreaterThanOrEqual(1);

    const repo = env.dataset.repositories[0]!;
    const counts = (await env.pool.query(`SELECT (SELECT count(*) FROM pull_requests)::int AS prs, (SELECT count(DISTINCT github_id) FROM pull_requests)::int AS prs_distinct,
      (SELECT count(*) FROM issues)::int AS issues, (SELECT count(*) FROM reviews)::int AS reviews`)).rows[0];
    expect(counts).toEqual({ prs: repo.pullRequests.length, prs_distinct: repo.pullRequests.length, issues: repo.issues.length, reviews: repo.pullRequests.reduce((n, p) => n + (p.reviews?.length ?? 0), 0) });
    const row = (await env.t.ops.repos.list()).find((r) => r.fullName === REPO)!;
    expect(row.lastRun).toMatchObject({ status: 'succeeded', reconciliation: { ok: true } });
    const finisher = (await env.pool.query('SELECT worker FROM job_runs_shared WHERE id = $1', [run.id])).rows[0].worker as string;
    expect(finisher).not.toBe(holder!.id);
    expect(finisher).toMatch(/:\d+$/);
    expect((await env.t.ops.workers.runs({ limit: 10 })).find((r) => r.id === run.id)).toMatchObject({ status: 'succeeded', worker: finisher });
  }, 180_000);
});
