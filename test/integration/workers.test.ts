// Jobs on pg-boss with real processes: a console (this test's core, sending work and watching it) and two
// `repo-ops worker` processes on one warehouse, against the GitHub emulator. A sync started here runs on a
// worker and shows live progress here; kill -9 of that worker → the other one takes the run over by its
// missing heartbeat and finishes it from its checkpoint: every row there, none twice, reconciliation green.
// The two workers share one token: together they keep to the one budget (no secondary-limit 403s).
// A second console on the same warehouse sees the same run live, under a second behind the warehouse.
// A schedule every minute, evaluated by three worker processes, runs exactly once per tick.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../emulators/github/dataset.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';
import { waitFor } from '../helpers/temp.ts';
import { workerFleet, type WorkerFleet } from '../helpers/worker-process.ts';

const REPO = 'octo/widgets';
const SMALL = ['octo/s1', 'octo/s2', 'octo/s3', 'octo/s4'];
/** Requests in flight per token, for every process together (the emulator refuses more, as GitHub does past its limit). */
const SHARED_CONCURRENCY = 2;
let env: SyncEnv;
let fleet: WorkerFleet;
let second: TestCore;

beforeAll(async () => {
  // Slow pages: a sync spans a few seconds, so it can be killed in the middle.
  const dataset = generateDataset({
    seed: 7,
    repos: [
      { owner: 'octo', name: 'widgets', pullRequests: 150, issues: 60, avgReviews: 3, avgReviewComments: 2, avgIssueComments: 4, avgFiles: 6, heavyPullRequests: 2 },
      ...SMALL.map((n) => ({ owner: 'octo', name: n.split('/')[1]!, pullRequests: 30, issues: 10, avgReviews: 1, avgReviewComments: 1, avgIssueComments: 1, avgFiles: 2, heavyPullRequests: 0 })),
    ],
  });
  env = await startSyncEnv({ dataset, emulator: { latencyMs: 120, rateLimit: { maxConcurrent: SHARED_CONCURRENCY } } });
  await env.t.core.workers.join({ work: false, concurrency: 1 });
  second = await startTestCore();
  const p = await second.ops.profiles.create({ name: 'second console', githubApiUrl: env.emulator.url });
  await second.ops.secrets.set({ profileId: p.id, key: 'postgres_url', value: env.db.url });
  await second.core.workers.join({ work: false, concurrency: 1 });
  fleet = workerFleet({ githubUrl: env.emulator.url, token: env.emulator.token, warehouseUrl: env.db.url });
  const settings = { githubConcurrentRequests: SHARED_CONCURRENCY };
  const [a, b] = [await fleet.home({ settings }), await fleet.home({ settings })];
  fleet.start(a, ['--concurrency', '2', '--kinds', 'github-sync']);
  fleet.start(b, ['--concurrency', '2', '--kinds', 'github-sync']);
  await waitFor('two workers up', async () => (await env.t.ops.workers.list()).workers.filter((w) => w.alive).length === 2 || null, 60_000, 200);
}, 180_000);

afterAll(async () => {
  fleet?.close();
  await second?.close();
  await env?.close();
});

describe('workers on the warehouse queue', () => {
  it('two workers sharing a token run four syncs at once and stay within its one budget: no secondary-limit 403s', async () => {
    env.emulator.resetStats();
    const runs = await Promise.all(SMALL.map((repository) => env.t.core.jobs.enqueue('github-sync', { repository, mode: 'full' })));
    await waitFor('the four syncs', () => runs.every((r) => env.t.core.jobs.get(r.id).status === 'succeeded') || null, 120_000, 100);
    const stats = env.emulator.stats;
    expect(stats.secondaryRateLimited, fleet.output()).toBe(0);
    // The load was there: the budget was used to the full, by both workers.
    expect(stats.peakConcurrent).toBe(SHARED_CONCURRENCY);
    const by = (await env.pool.query('SELECT DISTINCT worker FROM job_runs_shared WHERE id = ANY($1)', [runs.map((r) => r.id)])).rows;
    expect(by).toHaveLength(2);
    // Each sync's Engineer Lens refresh is sent once, by the worker that ran it — not once more by
    // every console that saw the sync end.
    const lens = async () => (await env.pool.query("SELECT params->>'repository' AS repository, count(*)::int AS n FROM job_runs_shared WHERE kind = 'engineer-lens' GROUP BY 1 ORDER BY 1")).rows;
    await waitFor('the refreshes after the syncs', async () => (await lens()).length === SMALL.length || null, 30_000, 200);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await lens()).toEqual(SMALL.map((repository) => ({ repository, n: 1 })));
  }, 150_000);

  it('never two syncs of one repository at once, on any worker: the second waits for the first to end', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => env.t.core.jobs.enqueue('github-sync', { repository: SMALL[0]!, mode: 'full' })));
    await waitFor('both syncs', () => [a!, b!].every((r) => env.t.core.jobs.get(r.id).status === 'succeeded') || null, 120_000, 100);
    const rows = (await env.pool.query('SELECT id, started_at, finished_at FROM job_runs_shared WHERE id = ANY($1) ORDER BY started_at', [[a!.id, b!.id]])).rows as { started_at: Date; finished_at: Date }[];
    expect(rows).toHaveLength(2);
    expect(rows[1]!.started_at.getTime()).toBeGreaterThanOrEqual(rows[0]!.finished_at.getTime());
  }, 150_000);

  it('a schedule ticking every minute, evaluated by three worker processes at once: exactly one run per tick', async () => {
    // A third process for this test alone (the others keep to two workers).
    const third = fleet.start(await fleet.home({ settings: { githubConcurrentRequests: SHARED_CONCURRENCY } }), ['--concurrency', '1', '--kinds', 'github-sync']);
    await waitFor('three workers up', async () => (await env.t.ops.workers.list()).workers.filter((w) => w.alive).length === 3 || null, 60_000, 200);
    const sch = await env.t.ops.schedules.add({ name: 'Every minute', kind: 'github-sync', params: { repository: SMALL[1]!, mode: 'incremental' }, cron: '* * * * *', concurrencyPolicy: 'Allow' });
    const createdAt = new Date();
    // Two whole ticks: the scheduler passes of all three processes (every 5 s each) race for each one.
    // Waited for as decided, whatever became of them, so that a tick that did not start fails the
    // assertions below with its reason (not a timeout waiting for a third tick).
    const decided = async () => (await env.t.ops.schedules.history({ id: sch.id, limit: 100 })).filter((t) => t.trigger === 'cron');
    await waitFor('two ticks decided', async () => ((await decided()).length >= 2 || null), 150_000, 1000).catch(async (e: Error) => {
      throw new Error(`${e.message}; ticks so far: ${JSON.stringify(await decided())}; workers: ${fleet.output().slice(-4000)}`);
    });
    await env.t.ops.schedules.setEnabled({ id: sch.id, enabled: false });
    // Late passes of the other processes (up to one interval behind) still see the ticks as decided.
    await new Promise((r) => setTimeout(r, 6000));
    const ticks = (await env.t.ops.schedules.history({ id: sch.id, limit: 100 })).reverse();
    const at = ticks.map((t) => Date.parse(t.scheduledFor));
    expect(new Set(at).size).toBe(ticks.length);
    expect(at.every((t, i) => t % 60_000 === 0 && (i === 0 || t - at[i - 1]! === 60_000)), JSON.stringify(ticks)).toBe(true);
    expect(ticks.every((t) => t.trigger === 'cron' && t.status === 'requested' && t.runId), `${JSON.stringify(ticks)}; workers: ${fleet.output().slice(-4000)}`).toBe(true);
    // The queue holds exactly the ledger's runs: one per tick, none started twice.
    const runs = (await env.pool.query("SELECT id FROM job_runs_shared WHERE kind = 'github-sync' AND params->>'repository' = $1 AND created_at >= $2", [SMALL[1], createdAt])).rows.map((r) => r.id as string);
    expect(runs.sort()).toEqual(ticks.map((t) => t.runId!).sort());
    await waitFor('the scheduled syncs', () => runs.every((id) => env.t.core.jobs.find(id)?.status === 'succeeded') || null, 60_000, 200);
    await env.t.ops.schedules.remove({ id: sch.id });
    third.kill('SIGTERM');
    await new Promise((r) => (third.exitCode !== null ? r(null) : third.once('exit', r)));
    fleet.processes.splice(fleet.processes.indexOf(third), 1);
  }, 240_000);

  it('a sync runs on a worker, live here; kill -9 of that worker → the other finishes it with nothing lost or doubled', async () => {
    const run = await env.t.core.jobs.enqueue('github-sync', { repository: REPO, mode: 'full' });
    expect(run.status).toBe('queued');
    // Live here, whichever worker runs it: progress replicated from the warehouse.
    const running = await waitFor('progress on a worker', () => {
      const r = env.t.core.jobs.get(run.id);
      return r.status === 'running' && r.progress.done > 0 ? r : null;
    }, 60_000, 50);
    // The second console (which did not start it) shows it running with progress too.
    await waitFor('the run live in the second console', () => {
      const r = second.core.jobs.find(run.id);
      return r?.status === 'running' && r.progress.done > 0 ? r : null;
    }, 10_000, 50);
    const list = await env.t.ops.workers.list();
    const holder = list.workers.find((w) => w.currentRuns.some((c) => c.id === run.id));
    expect(holder, JSON.stringify(list)).toBeDefined();
    const victim = fleet.processes.find((w) => w.pid === holder!.pid)!;
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

    const repo = env.dataset.repositories.find((r) => `${r.owner}/${r.name}` === REPO)!;
    const counts = (await env.pool.query(`WITH r AS (SELECT id FROM repositories WHERE full_name = $1)
      SELECT (SELECT count(*) FROM pull_requests WHERE repository_id = (SELECT id FROM r))::int AS prs, (SELECT count(DISTINCT github_id) FROM pull_requests WHERE repository_id = (SELECT id FROM r))::int AS prs_distinct,
      (SELECT count(*) FROM issues WHERE repository_id = (SELECT id FROM r))::int AS issues, (SELECT count(*) FROM reviews WHERE repository_id = (SELECT id FROM r))::int AS reviews`, [REPO])).rows[0];
    expect(counts).toEqual({ prs: repo.pullRequests.length, prs_distinct: repo.pullRequests.length, issues: repo.issues.length, reviews: repo.pullRequests.reduce((n, p) => n + (p.reviews?.length ?? 0), 0) });
    const row = (await env.t.ops.repos.list()).find((r) => r.fullName === REPO)!;
    expect(row.lastRun).toMatchObject({ status: 'succeeded', reconciliation: { ok: true } });
    const finisher = (await env.pool.query('SELECT worker FROM job_runs_shared WHERE id = $1', [run.id])).rows[0].worker as string;
    expect(finisher).not.toBe(holder!.id);
    expect(finisher).toMatch(/:\d+$/);
    expect((await env.t.ops.workers.runs({ limit: 10 })).find((r) => r.id === run.id)).toMatchObject({ status: 'succeeded', worker: finisher });
    // Both consoles' copies were under a second behind the warehouse (each update from its report there to the copy here).
    for (const c of [env.t, second]) {
      const { replication } = await c.ops.workers.list();
      expect(replication.samples).toBeGreaterThan(5);
      expect(replication.p95Ms, JSON.stringify(replication)).toBeLessThan(1000);
    }
    // The second console polls on its own timer: its copy follows within its lag (p95 above), not at once.
    await waitFor('the end in the second console', () => second.core.jobs.get(run.id).status === 'succeeded' || null, 10_000, 50);
    expect(second.core.jobs.get(run.id)).toMatchObject({ status: 'succeeded', progress: { done: done.progress.done } });

    // The CLI on a third machine with only the warehouse URL: every worker's runs, and the workers.
    const home = await fleet.home();
    const all = JSON.parse((await runCli(['jobs', 'list', '--all-workers', '--json'], { home, timeoutMs: 60_000 })).stdout) as { id: string; status: string; worker: string | null }[];
    expect(all.find((r) => r.id === run.id)).toMatchObject({ status: 'succeeded', worker: finisher });
    expect(all.filter((r) => r.worker !== null).map((r) => r.worker).sort()).toContain(holder!.id); // the small syncs it ran before it was killed
    const table = (await runCli(['jobs', 'list', '--all-workers', '--limit', '20'], { home, timeoutMs: 60_000 })).stdout;
    expect(table).toMatch(/^RUN\s+KIND\s+STATUS\s+PROGRESS\s+WORKER\s+CREATED\s+TITLE/);
    expect(table).toMatch(new RegExp(`${run.id.slice(0, 8)}\\s+github-sync\\s+succeeded\\s+\\S+\\s+${finisher.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // Without --all-workers: this machine's runs only (it ran none).
    expect(JSON.parse((await runCli(['jobs', 'list', '--json'], { home, timeoutMs: 60_000 })).stdout)).toEqual([]);
    const workers = JSON.parse((await runCli(['worker', 'list', '--json'], { home, timeoutMs: 60_000 })).stdout) as { workers: { id: string; kinds: string[]; concurrency: number }[] };
    expect(workers.workers.filter((w) => fleet.processes.some((p) => w.id.endsWith(`:${p.pid}`))), JSON.stringify(workers)).toHaveLength(2);
    expect(workers.workers.find((w) => w.id === finisher)).toMatchObject({ kinds: ['github-sync'], concurrency: 2 });
    const bad = await runCli(['jobs', 'list', '--all-workers', '--limit', '0'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit takes a whole number from 1 to 1000, got "0"/);
  }, 240_000);

  it('progress reports, heartbeats and rate-budget takes commit without waiting for the disk; data and job state do wait', async () => {
    const coordination = await env.t.core.warehouse.coordinationPool();
    const durable = await env.t.core.warehouse.pool();
    expect((await coordination.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('off');
    expect((await durable.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
    // Still on the console's schema first, as the durable pool.
    const path = (await durable.query('SHOW search_path')).rows[0].search_path as string;
    expect(path).toMatch(/^\w+,\s*public$/);
    expect((await coordination.query('SHOW search_path')).rows[0].search_path).toBe(path);
  });
});
