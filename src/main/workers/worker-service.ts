import { hostname } from 'node:os';
import type pg from 'pg';
import { PgBoss } from 'pg-boss';
import type { JobRun } from '../../shared/contract/jobs.ts';
import { OpsError } from '../../shared/errors.ts';
import type { RerunPlan } from '../jobs/job-repo.ts';
import type { JobService } from '../jobs/job-service.ts';
import type { Logger } from '../logging/logger.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { pushRun, requestStop, RunFeed } from './shared-runs.ts';

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  version: string;
  kinds: string[];
  concurrency: number;
  startedAt: string;
  heartbeatAgeSeconds: number;
  alive: boolean;
  currentRuns: { id: string; title: string; kind: string }[];
}

export interface JoinOptions {
  /** Take work from the queue (false: only send work and watch it, like a console of a fleet). */
  work: boolean;
  /** Runs at once per job kind. */
  concurrency: number;
  kinds?: string[];
  /**
   * Keep a live copy of every run on the queue, whichever worker runs it (a console's views). A bare
   * `repo-ops worker` only follows the runs it sent or runs: with many workers, copying every run into
   * every worker would grow with the fleet.
   */
  watch?: boolean;
}

/** How far behind the warehouse this process's copies of other workers' runs are. */
export interface ReplicationLag {
  samples: number;
  p95Ms: number | null;
  maxMs: number | null;
}

interface QueueData {
  runId: string;
  kind: string;
  params: unknown;
  title: string;
  /** A retry from a chosen step: the steps it takes over from the earlier run. */
  rerun?: RerunPlan;
}

const PUSH_EVERY_MS = 250;
const PULL_EVERY_MS = 300;
const HEARTBEAT_S = 10;
const STALE_WORKER_S = 30;

/** The queue schema beside the console's: pg-boss's tables never mix with the console's own. */
export const queueSchema = (schema: string) => `${schema}_queue`;

/**
 * Jobs on pg-boss in the warehouse: new runs go to the queue (one active per concurrency key — one
 * sync per repository), any joined process with the kind takes them, runs are reported to
 * `job_runs_shared` and replicated into every console, and a worker that dies (no heartbeat for
 * 10 s) has its run retried elsewhere under the same id, resuming from the job's checkpoints.
 */
export class WorkerService {
  private boss: PgBoss | null = null;
  private pool: pg.Pool | null = null;
  /** Progress reports and heartbeats: commits that do not wait for the warehouse's disk. */
  private coordination: pg.Pool | null = null;
  private timer: NodeJS.Timeout | null = null;
  private offJobs: (() => void) | null = null;
  private readonly feed = new RunFeed();
  private readonly pending = new Map<string, JobRun>();
  private readonly lastPush = new Map<string, number>();
  private readonly flushing = new Map<string, Promise<void>>();
  /** Runs this process executes for the queue. */
  private readonly mine = new Set<string>();
  /** Runs this process sent to the queue and follows until they stop (when not watching every run). */
  private readonly sent = new Set<string>();
  /** Milliseconds from a run's report in the warehouse to its copy here, newest last. */
  private readonly lags: number[] = [];
  private ticking = false;
  private closed = false;
  private opts: JoinOptions | null = null;
  readonly id = `${hostname()}:${process.pid}`;
  private readonly d: { jobs: JobService; warehouse: WarehouseService; logger: Logger; version: string };

  constructor(d: WorkerService['d']) {
    this.d = d;
  }

  get joined(): boolean {
    return this.boss !== null;
  }

  async join(opts: JoinOptions): Promise<void> {
    if (this.boss) return;
    const { pool, url, info } = await this.d.warehouse.connection();
    const coordination = await this.d.warehouse.coordinationPool();
    const boss = new PgBoss({ connectionString: url, schema: queueSchema(info.schema), superviseIntervalSeconds: 2, monitorIntervalSeconds: 2, max: 4, application_name: 'repo-ops-queue' } as ConstructorParameters<typeof PgBoss>[0]);
    boss.on('error', (e: Error) => this.d.logger.warn('queue_error', `Job queue: ${e.message}`));
    await boss.start();
    if (this.closed) {
      await boss.stop({ graceful: false }).catch(() => {});
      return;
    }
    this.boss = boss;
    this.pool = pool;
    this.coordination = coordination;
    this.opts = opts;
    const kinds = (opts.kinds?.length ? opts.kinds : this.d.jobs.knownKinds()).filter((k) => this.d.jobs.knownKinds().includes(k));
    const unknown = (opts.kinds ?? []).filter((k) => !this.d.jobs.knownKinds().includes(k));
    if (unknown.length) throw new OpsError('invalid_input', `--kinds: unknown job kind${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${this.d.jobs.knownKinds().sort().join(', ')})`);
    for (const kind of this.d.jobs.knownKinds()) await this.ensureQueue(kind);
    this.d.jobs.setDispatcher({
      send: async (r) => {
        this.sent.add(r.id);
        await pushRun(pool, this.d.jobs.get(r.id), '');
        await boss.send(r.kind, { runId: r.id, kind: r.kind, params: r.params, title: r.title, ...(r.rerun ? { rerun: r.rerun } : {}) } satisfies QueueData, { singletonKey: r.concurrencyKey ?? r.id });
      },
      requestStop: (runId, pause) => requestStop(pool, runId, pause),
    });
    this.offJobs = this.d.jobs.onChange((run) => this.mine.has(run.id) && this.queuePush(run));
    if (opts.work) {
      await pool.query(
        `INSERT INTO workers (id, host, pid, version, kinds, concurrency) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET kinds = excluded.kinds, concurrency = excluded.concurrency, started_at = now(), heartbeat_at = now(), stopped_at = NULL`,
        [this.id, hostname(), process.pid, this.d.version, kinds, opts.concurrency],
      );
      for (const kind of kinds) {
        await boss.work<QueueData>(kind, { batchSize: 1, localConcurrency: opts.concurrency, pollingIntervalSeconds: 0.5 }, async ([job]) => this.handle(job!.data, job!.retryCount));
      }
      this.d.logger.info('worker_started', `Worker ${this.id} takes ${kinds.join(', ')} (${opts.concurrency} at once per kind)`, { kinds, concurrency: opts.concurrency });
    }
    this.timer = setInterval(() => void this.tick(), Math.min(PUSH_EVERY_MS, PULL_EVERY_MS));
    this.timer.unref();
  }

  private async ensureQueue(kind: string): Promise<void> {
    const boss = this.boss!;
    if (await boss.getQueue(kind)) return;
    await boss.createQueue(kind, { policy: 'singleton', heartbeatSeconds: HEARTBEAT_S, retryLimit: 20, retryDelay: 0, expireInSeconds: 86_400 }).catch(async (e: Error) => {
      if (!(await boss.getQueue(kind))) throw e; // another process created it first
    });
  }

  /** One queued run, here: a stop asked before it started cancels it; a retry resumes the same run id. */
  private async handle(data: QueueData, retry: number): Promise<void> {
    const stop = (await this.pool!.query('SELECT stop_requested FROM job_runs_shared WHERE id = $1', [data.runId])).rows[0]?.stop_requested as string | null | undefined;
    this.mine.add(data.runId);
    try {
      if (stop) {
        this.d.jobs.replicate({ ...this.d.jobs.get(data.runId), status: stop === 'pause' ? 'paused' : 'cancelled', error: stop === 'pause' ? 'Paused before it started' : 'Cancelled before it started', finishedAt: new Date().toISOString(), worker: this.id });
        await pushRun(this.pool!, this.d.jobs.get(data.runId), this.id);
        return;
      }
      if (retry > 0) this.d.logger.warn('job_taken_over', `${data.title}: taken over after its worker stopped (attempt ${retry + 1}); resuming from its checkpoints`, { runId: data.runId });
      const run = await this.d.jobs.runDispatched({ id: data.runId, kind: data.kind, params: data.params, title: data.title, rerun: data.rerun });
      await this.flush(run.id);
      // Shut down mid-run: back to the queue, another worker resumes it.
      if (run.status === 'interrupted') throw new Error(`${data.title} was interrupted by a worker shutdown`);
    } finally {
      this.mine.delete(data.runId);
    }
  }

  private queuePush(run: JobRun): void {
    this.pending.set(run.id, run);
    const stopped = run.status !== 'running' && run.status !== 'queued';
    if (stopped || Date.now() - (this.lastPush.get(run.id) ?? 0) >= PUSH_EVERY_MS) void this.flush(run.id);
  }

  /** Reports of one run go out one after another, in order. */
  private flush(runId: string): Promise<void> {
    const next = (this.flushing.get(runId) ?? Promise.resolve()).then(async () => {
      const run = this.pending.get(runId);
      if (!run || !this.pool) return;
      this.pending.delete(runId);
      this.lastPush.set(runId, Date.now());
      // All reports of a run through one pool whose commits do not wait for the disk, so they become
      // visible in order and soon (consoles read them with a bounded look-back). A run's end is still
      // durable: the queue's completion of the job commits after it, durably, and flushes the WAL.
      await pushRun(this.coordination ?? this.pool, run, this.id).catch((e: Error) => this.d.logger.warn('queue_report_failed', `Could not report run ${runId}: ${e.message}`));
    });
    this.flushing.set(runId, next);
    void next.then(() => this.flushing.get(runId) === next && this.flushing.delete(runId));
    return next;
  }

  /** Reports, replication of other workers' runs, stop requests and this worker's heartbeat. */
  private async tick(): Promise<void> {
    if (this.ticking || !this.pool) return;
    this.ticking = true;
    try {
      for (const id of [...this.pending.keys()]) if (Date.now() - (this.lastPush.get(id) ?? 0) >= PUSH_EVERY_MS) await this.flush(id);
      const watchAll = this.opts?.watch !== false;
      const followed = watchAll ? null : [...this.mine, ...this.sent];
      const changed = followed?.length === 0 ? [] : await this.feed.next(this.pool, followed);
      for (const r of changed) {
        if (this.mine.has(r.id)) {
          if (r.stopRequested && r.status === 'running') void this.d.jobs.cancel(r.id, { pause: r.stopRequested === 'pause' }).catch(() => {});
          continue;
        }
        this.lags.push(Math.max(0, Date.now() - Date.parse(r.updatedAt)));
        if (this.lags.length > 500) this.lags.shift();
        this.d.jobs.replicate(r);
        if (!followed) continue;
        if (!['queued', 'running'].includes(r.status)) this.sent.delete(r.id);
      }
      if (this.opts?.work) await (this.coordination ?? this.pool).query('UPDATE workers SET heartbeat_at = now() WHERE id = $1', [this.id]);
    } catch (e) {
      this.d.logger.debug('queue_tick_failed', (e as Error).message);
    } finally {
      this.ticking = false;
    }
  }

  /** p95 and max of how far behind the warehouse this process's copies of runs were (last 500 updates). */
  replicationLag(): ReplicationLag {
    if (!this.lags.length) return { samples: 0, p95Ms: null, maxMs: null };
    const sorted = [...this.lags].sort((a, b) => a - b);
    return { samples: sorted.length, p95Ms: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!, maxMs: sorted[sorted.length - 1]! };
  }

  /** Every worker that reported in the last day, with its current runs; queue depth per kind. */
  async list(): Promise<{ workers: WorkerInfo[]; queues: { kind: string; queued: number; active: number; oldestQueuedSeconds: number | null }[] }> {
    const pool = this.pool ?? (await this.d.warehouse.pool());
    const { rows } = await pool.query(
      `SELECT w.*, extract(epoch FROM now() - w.heartbeat_at)::float8 AS age,
         COALESCE((SELECT json_agg(json_build_object('id', r.id, 'title', r.title, 'kind', r.kind)) FROM job_runs_shared r WHERE r.worker = w.id AND r.status = 'running'), '[]') AS runs
       FROM workers w WHERE w.heartbeat_at > now() - interval '1 day' ORDER BY w.started_at`,
    );
    const workers = rows.map((r) => ({ id: r.id, host: r.host, pid: r.pid, version: r.version, kinds: r.kinds, concurrency: r.concurrency, startedAt: r.started_at.toISOString(), heartbeatAgeSeconds: Math.round(r.age), alive: !r.stopped_at && r.age < STALE_WORKER_S, currentRuns: r.runs }));
    // Depth from the runs every worker reports (readable without joining the queue): sent and not started, running.
    const depth = await pool.query(
      `SELECT kind, count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*) FILTER (WHERE status = 'running')::int AS active,
         extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'queued'))::float8 AS oldest
       FROM job_runs_shared WHERE status IN ('queued', 'running') GROUP BY kind ORDER BY kind`,
    );
    const queues = depth.rows.map((r) => ({ kind: r.kind as string, queued: r.queued as number, active: r.active as number, oldestQueuedSeconds: r.oldest === null ? null : Math.round(r.oldest) }));
    return { workers, queues };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.offJobs?.();
    const boss = this.boss;
    this.boss = null;
    this.d.jobs.setDispatcher(null);
    if (!boss) return;
    // Running jobs were stopped as interrupted by the job service already; tell the queue.
    for (const id of [...this.pending.keys()]) await this.flush(id);
    if (this.opts?.work) await this.pool?.query('UPDATE workers SET stopped_at = now() WHERE id = $1', [this.id]).catch(() => {});
    await boss.stop({ graceful: true, timeout: 10_000 }).catch(() => {});
  }
}
