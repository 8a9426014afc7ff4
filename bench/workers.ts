// bench:workers — 200 small repositories' syncs through the warehouse job queue (pg-boss) against the
// GitHub emulator at 100 ms per request: once with one `repo-ops worker` process, once with two (each
// phase on its own fresh database, so both do the same work). Then kill -9 of the worker holding a
// larger sync (time until another worker has resumed it), and the scheduler's exactly-once check:
// three scheduler instances on one warehouse deciding a minutely schedule for 120 simulated minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createCore, type Core } from '../src/main/core/compose.ts';
import { Logger } from '../src/main/logging/logger.ts';
import { Redactor } from '../src/main/logging/redact.ts';
import { inProcessClient } from '../src/main/rpc/in-process.ts';
import { ScheduleService, type ScheduleRunner } from '../src/main/schedules/schedule-service.ts';
import { startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import type { JobRun } from '../src/shared/contract/jobs.ts';
import { generateDataset } from '../test/emulators/github/dataset.ts';
import { startGitHubEmulator } from '../test/emulators/github/server.ts';
import { ROOT } from '../test/helpers/serve-process.ts';
import { migrateTestWarehouse, warehousePool } from '../test/helpers/warehouse.ts';
import { percentile, printTable } from './report.ts';

const REPOS = 200;
const LATENCY_MS = 100;
const CONCURRENCY = 4;
const WORK = join(ROOT, '.cache', 'bench', 'workers');

await rm(WORK, { recursive: true, force: true });
await mkdir(WORK, { recursive: true });
const dataset = generateDataset({
  seed: 14,
  repos: [
    ...Array.from({ length: REPOS }, (_, i) => ({ owner: 'fleet', name: `repo-${i}`, pullRequests: 2, issues: 2, avgReviews: 1, avgReviewComments: 1, avgIssueComments: 1, avgFiles: 2, heavyPullRequests: 0 })),
    { owner: 'fleet', name: 'large', pullRequests: 300, issues: 100, avgReviews: 2, avgReviewComments: 1, avgIssueComments: 2, avgFiles: 3, heavyPullRequests: 0 },
  ],
});
const cluster = await startEmbeddedPostgres(join(WORK, 'pg'));
const admin = new pg.Client({ connectionString: cluster.url });
await admin.connect();
for (const db of ['w1', 'w2', 'sched']) await admin.query(`CREATE DATABASE bench_${db}`);
await admin.end();
const dbUrl = (name: string) => cluster.url.replace(/\/postgres$/, `/bench_${name}`);
// One emulator (one token, a fresh rate-limit budget) per phase: the phases do the same work.
let gh = await startGitHubEmulator({ dataset, latencyMs: LATENCY_MS });
const env = (db: string) => ({ GITHUB_TOKEN: gh.token, DATABASE_URL: dbUrl(db) });

async function home(name: string, db: string): Promise<string> {
  const dir = join(WORK, name);
  const core = await createCore({ home: dir, mode: 'test', env: env(db) });
  await inProcessClient(core.rpc).profiles.create({ name: 'bench', githubApiUrl: gh.url });
  await core.close();
  return dir;
}

function worker(dir: string, db: string): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'src', 'main', 'cli', 'main.ts'), 'worker', '--concurrency', String(CONCURRENCY), '--kinds', 'github-sync'], { env: { ...process.env, ...env(db), REPO_OPS_HOME: dir }, stdio: 'ignore' });
}

async function until<T>(fn: () => T | null | Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Phase {
  workers: number;
  seconds: number;
  jobsPerMin: number;
  startP50: number;
  startP95: number;
  failed: number;
  idleStartP95?: number;
  /** CPU seconds the worker processes used per job (user + system, from /proc). */
  workerCpuPerJob: number | null;
  /** CPU seconds this process (console, emulator) used per job. */
  benchCpuPerJob: number;
  /** CPU seconds the warehouse (every Postgres process) used per job. */
  pgCpuPerJob: number | null;
  /** Seconds from a job's start on a worker to its end, median: grows when something shared is the bottleneck. */
  runP50: number;
  load1: number;
}

/** Fields of /proc/<pid>/stat after the command name (Linux; null elsewhere or when gone). */
async function procStat(pid: number): Promise<string[] | null> {
  try {
    return (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU seconds of a process so far (Linux /proc; null elsewhere). */
async function cpuSeconds(pid: number | undefined): Promise<number | null> {
  const f = pid ? await procStat(pid) : null;
  return f ? (Number(f[11]) + Number(f[12])) / 100 : null; // utime, stime in clock ticks (100/s)
}

/** CPU seconds of the warehouse: the postmaster, its live backends and the backends it has reaped. */
async function postgresCpuSeconds(): Promise<number | null> {
  const master = cluster.pid;
  const own = master ? await procStat(master) : null;
  if (!master || !own) return null;
  let total = (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) / 100; // + cutime, cstime
  for (const d of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(d)) continue;
    const f = await procStat(Number(d));
    if (f && Number(f[1]) === master) total += (Number(f[11]) + Number(f[12])) / 100; // ppid
  }
  return total;
}

async function phase(n: number, db: string, failover: boolean): Promise<{ phase: Phase; failoverS: number | null }> {
  await gh.close();
  gh = await startGitHubEmulator({ dataset, latencyMs: LATENCY_MS });
  const consoleCore: Core = await createCore({ home: await home(`console-${db}`, db), mode: 'test', env: env(db) });
  await consoleCore.workers.join({ work: false, concurrency: 1 });
  const procs: ChildProcess[] = [];
  for (let i = 0; i < n; i++) procs.push(worker(await home(`worker-${db}-${i}`, db), db));
  const pool = warehousePool(dbUrl(db), 2);
  try {
    await until(async () => (await consoleCore.workers.list()).workers.filter((w) => w.alive).length === n, 120_000, `${n} workers`);
    const t0 = performance.now();
    const cpu0 = await Promise.all(procs.map((p) => cpuSeconds(p.pid)));
    const pg0 = await postgresCpuSeconds();
    const self0 = process.cpuUsage();
    const ids: string[] = [];
    for (let i = 0; i < REPOS; i++) ids.push((await consoleCore.jobs.enqueue('github-sync', { repository: `fleet/repo-${i}`, mode: 'incremental' })).id);
    await until(async () => Number((await pool.query("SELECT count(*) FROM job_runs_shared WHERE id = ANY($1) AND status IN ('succeeded', 'incomplete', 'failed', 'cancelled')", [ids])).rows[0].count) === REPOS, 600_000, 'every sync');
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = await Promise.all(procs.map((p) => cpuSeconds(p.pid)));
    const self = process.cpuUsage(self0);
    const pg1 = await postgresCpuSeconds();
    const workerCpu = cpu1.every((c, i) => c !== null && cpu0[i] !== null) ? cpu1.reduce<number>((a, c, i) => a + (c! - cpu0[i]!), 0) : null;
    const { rows } = await pool.query("SELECT status, extract(epoch FROM started_at - created_at) * 1000 AS start_ms, extract(epoch FROM finished_at - started_at) AS run_s FROM job_runs_shared WHERE id = ANY($1)", [ids]);
    const starts = rows.map((r: { start_ms: number }) => Number(r.start_ms));
    const runsS = rows.map((r: { run_s: number }) => Number(r.run_s));
    const result: Phase = { workers: n, seconds, jobsPerMin: (REPOS / seconds) * 60, startP50: percentile(starts, 50), startP95: percentile(starts, 95), failed: rows.filter((r: { status: string }) => r.status !== 'succeeded').length,
      workerCpuPerJob: workerCpu === null ? null : workerCpu / REPOS, benchCpuPerJob: (self.user + self.system) / 1e6 / REPOS,
      pgCpuPerJob: pg0 === null || pg1 === null ? null : (pg1 - pg0) / REPOS, runP50: percentile(runsS, 50), load1: loadavg()[0]! };
    let failoverS: number | null = null;
    if (failover) {
      // The queue's own overhead: one job at a time on idle workers, enqueue → started on a worker.
      const idle: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await consoleCore.jobs.enqueue('github-sync', { repository: `fleet/repo-${i}`, mode: 'incremental' });
        idle.push(await until(async () => (await pool.query('SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms FROM job_runs_shared WHERE id = $1 AND started_at IS NOT NULL', [r.id])).rows[0]?.ms ?? null, 60_000, 'an idle start'));
        await until(async () => (await pool.query("SELECT 1 FROM job_runs_shared WHERE id = $1 AND status = 'succeeded'", [r.id])).rowCount || null, 60_000, 'an idle run');
      }
      result.idleStartP95 = percentile(idle.map(Number), 95);
      const run = await consoleCore.jobs.enqueue('github-sync', { repository: 'fleet/large', mode: 'full' });
      const holder = await until(async () => {
        const r = (await pool.query("SELECT worker, (progress->>'done')::int AS done FROM job_runs_shared WHERE id = $1 AND status = 'running'", [run.id])).rows[0] as { worker: string; done: number } | undefined;
        return r && r.worker && r.done > 0 ? r.worker : null;
      }, 120_000, 'the large sync running');
      const victim = procs.find((p) => holder.endsWith(`:${p.pid}`))!;
      const killed = performance.now();
      victim.kill('SIGKILL');
      await until(async () => {
        const r = (await pool.query("SELECT worker, status FROM job_runs_shared WHERE id = $1", [run.id])).rows[0] as { worker: string; status: JobRun['status'] };
        return r.worker !== holder && (r.status === 'running' || r.status === 'succeeded');
      }, 180_000, 'the run resumed elsewhere');
      failoverS = (performance.now() - killed) / 1000;
      await until(async () => (await pool.query('SELECT status FROM job_runs_shared WHERE id = $1', [run.id])).rows[0].status === 'succeeded', 300_000, 'the large sync finished');
    }
    return { phase: result, failoverS };
  } finally {
    // A process killed by a signal has no exit code but a signal code: only the live ones are waited for.
    const live = procs.filter((p) => p.exitCode === null && p.signalCode === null);
    for (const p of live) p.kill('SIGTERM');
    await Promise.all(live.map((p) => new Promise((r) => p.once('exit', r))));
    await pool.end();
    await consoleCore.close();
  }
}

/** Three scheduler instances on one warehouse, a minutely Allow schedule, 120 simulated minutes, each instance passing twice a minute. */
async function scheduleDupes(): Promise<{ ticks: number; runs: number; dupes: number }> {
  const pool = warehousePool(dbUrl('sched'), 6);
  await migrateTestWarehouse(pool);
  let clock = new Date('2026-01-01T00:00:30Z');
  let seq = 0;
  const runs: string[] = [];
  const runner: ScheduleRunner = {
    enqueue: async (kind) => {
      const id = `run-${++seq}`;
      runs.push(id);
      return { id, kind, status: 'queued' } as JobRun;
    },
    cancel: async (id) => ({ id, status: 'cancelled' }) as JobRun,
    find: () => null,
    validate: (_k, p) => p,
  };
  const logger = new Logger({ sinks: [], redactor: new Redactor() });
  const instances = [0, 1, 2].map((i) => new ScheduleService({ pool: async () => pool, runner, presets: () => [], logger, now: () => clock, owner: `bench-${i}` }));
  const s = await instances[0]!.add({ name: 'minutely', kind: 'x', cron: '* * * * *', concurrencyPolicy: 'Allow' });
  for (let m = 1; m <= 120; m++) {
    clock = new Date(Date.parse('2026-01-01T00:00:00Z') + m * 60_000 + 2000);
    await Promise.all(instances.flatMap((x) => [x.evaluate(), x.evaluate()]));
  }
  const ticks = Number((await pool.query('SELECT count(*) FROM schedule_ticks WHERE schedule_id = $1', [s.id])).rows[0].count);
  await pool.end();
  return { ticks, runs: runs.length, dupes: runs.length - ticks };
}

try {
  const one = await phase(1, 'w1', false);
  const two = await phase(2, 'w2', true);
  const sched = await scheduleDupes();
  printTable(
    ['workers', 'jobs', 'seconds', 'jobs/min', 'wait to start p50 ms', 'wait to start p95 ms', 'not succeeded', 'run p50 s', 'worker CPU s/job', 'console+emulator CPU s/job', 'Postgres CPU s/job', 'load1 at end'],
    [one.phase, two.phase].map((p) => [String(p.workers), String(REPOS), p.seconds.toFixed(1), p.jobsPerMin.toFixed(1), p.startP50.toFixed(0), p.startP95.toFixed(0), String(p.failed), p.runP50.toFixed(2), p.workerCpuPerJob?.toFixed(3) ?? '—', p.benchCpuPerJob.toFixed(3), p.pgCpuPerJob?.toFixed(3) ?? '—', p.load1.toFixed(1)]),
  );
  // On 2 cores shared with other work, CPU and not GitHub's latency bounds throughput: what the two
  // phases' processes need per job, against the cores there are, says how far apart they can be.
  const cpuPerJob = (p: Phase) => (p.workerCpuPerJob ?? 0) + p.benchCpuPerJob + (p.pgCpuPerJob ?? 0);
  console.log(`CPU per job (workers + console + emulator + Postgres): 1 worker ${cpuPerJob(one.phase).toFixed(3)} s, 2 workers ${cpuPerJob(two.phase).toFixed(3)} s; jobs/min if CPU-bound on ${cpus().length} idle cores: ${((60 * cpus().length) / cpuPerJob(two.phase)).toFixed(0)}`);
  console.log(`queue overhead on idle workers (enqueue → started, 20 single jobs): p95 ${two.phase.idleStartP95!.toFixed(0)} ms`);
  console.log(`failover after kill -9 (until another worker runs it): ${two.failoverS?.toFixed(1)} s`);
  console.log(`scheduler: ${sched.ticks} ticks, ${sched.runs} runs over 3 instances (${sched.dupes} duplicates)`);
  console.log(
    JSON.stringify({
      jobs: REPOS,
      throughput_1w: Number(one.phase.jobsPerMin.toFixed(1)),
      throughput_2w: Number(two.phase.jobsPerMin.toFixed(1)),
      ratio_2w_1w: Number((two.phase.jobsPerMin / one.phase.jobsPerMin).toFixed(2)),
      start_p95_ms: Math.round(two.phase.idleStartP95!),
      failover_s: Number(two.failoverS!.toFixed(1)),
      schedule_dupes: sched.dupes,
      worker_cpu_s_per_job_1w: one.phase.workerCpuPerJob === null ? null : Number(one.phase.workerCpuPerJob.toFixed(3)),
      worker_cpu_s_per_job_2w: two.phase.workerCpuPerJob === null ? null : Number(two.phase.workerCpuPerJob.toFixed(3)),
      load1_1w: Number(one.phase.load1.toFixed(1)),
      load1_2w: Number(two.phase.load1.toFixed(1)),
    }),
  );
} finally {
  await gh.close();
  await cluster.stop();
}
