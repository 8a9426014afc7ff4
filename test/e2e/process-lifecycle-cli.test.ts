import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidAlive } from '../../src/main/lifecycle/process-identity.ts';
import type { JobRun } from '../../src/shared/contract/jobs.ts';
import { generateDataset } from '../emulators/github/dataset.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';
import { tempDir, waitFor } from '../helpers/temp.ts';
import { workerFleet, type WorkerFleet } from '../helpers/worker-process.ts';

// kill -9 of any Repo Ops process, not only serve: a long CLI command (`repo-ops sync`, on the
// embedded PostgreSQL) and `repo-ops worker`, each started as users start them (bin/repo-ops.js, the
// launcher, and its core child). Neither the launcher nor the child may outlive the other, the
// embedded PostgreSQL stops, and the run they held never stays RUNNING.
const dataset = () =>
  generateDataset({ seed: 11, repos: [{ owner: 'octo', name: 'widgets', pullRequests: 150, issues: 40, avgReviews: 2, avgReviewComments: 1, avgIssueComments: 2, avgFiles: 3, heavyPullRequests: 0 }] });
const tmp = tempDir('repo-ops-kill-cli-');
const spawned: ChildProcess[] = [];
const strays: number[] = [];
afterAll(() => {
  for (const c of spawned) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of strays) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  tmp.cleanup();
});

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
/** The launcher's one child: the core. */
function childOf(pid: number): number {
  const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
  expect(pids, `children of the launcher ${pid}`).toHaveLength(1);
  strays.push(pids[0]!);
  return pids[0]!;
}
function launch(args: string[], env: NodeJS.ProcessEnv): { launcher: ChildProcess; output: () => string } {
  const launcher = spawn(process.execPath, [join(ROOT, 'bin', 'repo-ops.js'), ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(launcher);
  let out = '';
  launcher.stdout!.on('data', (d) => (out += d));
  launcher.stderr!.on('data', (d) => (out += d));
  return { launcher, output: () => out };
}

describe('kill -9 of a long CLI command leaves no orphan and no ghost job', () => {
  let emulator: GitHubEmulator;
  const home = join(tmp.dir, 'cli-home');
  const pgPidFile = join(home, 'postgres', 'data', 'postmaster.pid');
  const pgPid = () => (existsSync(pgPidFile) ? Number(readFileSync(pgPidFile, 'utf8').split('\n')[0]) : null);
  beforeAll(async () => {
    // Slow pages (the sync takes 8 requests on four streams at once): still running when it is killed.
    emulator = await startGitHubEmulator({ dataset: dataset(), latencyMs: 2500 });
  });
  afterAll(async () => {
    const pg = pgPid();
    if (pg && pidAlive(pg)) process.kill(pg, 'SIGKILL');
    await emulator?.close();
  });
  const env = () => ({ REPO_OPS_HOME: home, GITHUB_API_URL: emulator.url, GITHUB_TOKEN: emulator.token });
  const syncRuns = async () => {
    const r = await runCli(['jobs', 'list', '--json'], { home, env: env(), timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as JobRun[]).filter((j) => j.kind === 'github-sync');
  };

  /** `repo-ops sync` under way on the embedded PostgreSQL: its launcher, core and PostgreSQL. */
  async function startSync() {
    const { launcher, output } = launch(['sync', 'octo/widgets', '--full-refresh'], env());
    const gone = exited(launcher).then(() => Promise.reject(new Error(`repo-ops sync ended before it was killed:\n${output()}`)));
    await Promise.race([waitFor('the sync to make progress', () => / running (\[[#-]+\]\s+\d+% )?[1-9]/.test(output()), 120_000, 100), gone]);
    gone.catch(() => {});
    const core = childOf(launcher.pid!);
    const postgres = pgPid()!;
    expect(pidAlive(postgres), 'the embedded PostgreSQL').toBe(true);
    return { launcher, core, postgres, output };
  }

  it('the launcher killed: the core stops, so does PostgreSQL, and the run reads interrupted (resumable), never running', async () => {
    const a = await startSync();
    a.launcher.kill('SIGKILL');
    await exited(a.launcher);
    await waitFor('the core child to exit', () => !pidAlive(a.core), 30_000, 100);
    await waitFor('the embedded PostgreSQL to stop', () => !pidAlive(a.postgres), 30_000, 100);
    const [run] = await syncRuns();
    expect(run).toMatchObject({ status: 'interrupted', resumable: true });
  }, 240_000);

  it('the core killed: the launcher exits with it, PostgreSQL stops, the next command finds the run interrupted, never running', async () => {
    const b = await startSync();
    process.kill(b.core, 'SIGKILL');
    await exited(b.launcher);
    expect(b.launcher.exitCode).not.toBe(0);
    await waitFor('the embedded PostgreSQL to stop after its core was killed', () => !pidAlive(b.postgres), 30_000, 100);
    const runs = await syncRuns();
    expect(runs.filter((r) => r.status === 'running' || r.status === 'queued')).toEqual([]);
    expect(runs[0]).toMatchObject({ status: 'interrupted', resumable: true, error: expect.stringMatching(/stopped unexpectedly|interrupted|gone/) });
  }, 240_000);
});

describe('kill -9 of repo-ops worker leaves no orphan and no ghost job', () => {
  let env: SyncEnv;
  let fleet: WorkerFleet;
  beforeAll(async () => {
    env = await startSyncEnv({ dataset: dataset(), emulator: { latencyMs: 2500 } });
    await env.t.core.workers.join({ work: false, concurrency: 1 });
    fleet = workerFleet({ githubUrl: env.emulator.url, token: env.emulator.token, warehouseUrl: env.db.url });
  }, 180_000);
  afterAll(async () => {
    fleet?.close();
    await env?.close();
  });

  it('the launcher killed mid-run: the worker exits, the run leaves RUNNING at once and another worker finishes it', async () => {
    const home = await fleet.home();
    const { launcher, output } = launch(['worker', '--concurrency', '1', '--kinds', 'github-sync'], { REPO_OPS_HOME: home });
    const worker = await waitFor('the worker to join', async () => (await env.t.ops.workers.list()).workers.find((w) => w.alive) ?? (launcher.exitCode !== null ? Promise.reject(new Error(output())) : null), 120_000, 200);
    expect(worker.pid).toBe(childOf(launcher.pid!));

    const run = await env.t.core.jobs.enqueue('github-sync', { repository: 'octo/widgets', mode: 'full' });
    await waitFor('progress on the worker', () => {
      const r = env.t.core.jobs.get(run.id);
      return r.status === 'running' && r.progress.done > 0 ? r : null;
    }, 90_000, 50);

    launcher.kill('SIGKILL');
    await exited(launcher);
    await waitFor('the worker process to exit with its launcher', () => !pidAlive(worker.pid), 30_000, 100);
    // It checkpointed and handed the run back: not RUNNING on a worker that is gone.
    const after = await waitFor('the run to leave RUNNING', () => {
      const r = env.t.core.jobs.get(run.id);
      return r.status !== 'running' ? r : null;
    }, 30_000, 100);
    expect(['queued', 'interrupted']).toContain(after.status);

    fleet.start(home);
    const done = await waitFor('another worker to finish it', () => {
      const r = env.t.core.jobs.get(run.id);
      return r.status === 'succeeded' || r.status === 'failed' ? r : null;
    }, 120_000, 200);
    expect(done.status, fleet.output()).toBe('succeeded');
    const prs = (await env.pool.query("SELECT count(*)::int AS n, count(DISTINCT p.github_id)::int AS d FROM pull_requests p JOIN repositories r ON r.id = p.repository_id WHERE r.full_name = 'octo/widgets'")).rows[0];
    expect(prs).toEqual({ n: 150, d: 150 });
  }, 360_000);
});
