import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { STOPPED_STATUSES, type JobRun, type JobStatus } from '../../shared/contract/jobs.ts';
import { OpsError } from '../../shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Db } from '../store/database.ts';
import { emptyProgress, JobRepo, type RerunPlan } from './job-repo.ts';
import { RateMeter, resumedProgress } from '../../shared/progress.ts';
import { JobPausedError, type Checkpoint, type JobContext, type JobDefinition, type JobOutcome, type JobQueue, type ProgressUpdate } from './types.ts';

const HEARTBEAT_MS = 5000;
/** Owner of runs waiting in (or replicated from) the shared queue rather than held by this process. */
export const QUEUE_OWNER = 'queue:';

/** Hands new runs to a shared queue (pg-boss) instead of this process's pump. */
export interface JobDispatcher {
  send(run: { id: string; kind: string; params: unknown; title: string; concurrencyKey: string | null; rerun?: RerunPlan }): Promise<void>;
  /** Asks whichever worker runs it to stop (pause: resumable). */
  requestStop(runId: string, pause: boolean): Promise<void>;
}
/** How often runs of other processes are checked for a dead owner (a PID check: cheap). */
const OWNER_CHECK_MS = 1000;
const STALE_MS = 30_000;
const EMIT_EVERY_MS = 200;
const PERSIST_EVERY_MS = 1000;

interface Active {
  controller: AbortController;
  shutdown: boolean;
  pause: boolean;
  done: Promise<void>;
}

export interface JobServiceOptions {
  db: Db;
  logger: Logger;
  concurrency: () => number;
}

/** In-process job queue: concurrency limits, progress, cancel, step checkpoints, crash recovery. */
export class JobService implements JobQueue {
  private readonly repo: JobRepo;
  private readonly defs = new Map<string, JobDefinition>();
  private readonly active = new Map<string, Active>();
  /** Progress of running jobs, fresher than the copy persisted every second. */
  private readonly live = new Map<string, JobRun['progress']>();
  private readonly events = new EventEmitter<{ change: [JobRun] }>();
  private readonly owner = `${hostname()}:${process.pid}`;
  private heartbeat: NodeJS.Timeout | null = null;
  private dispatcher: JobDispatcher | null = null;
  private ownerCheck: NodeJS.Timeout | null = null;
  private closed = false;

  private readonly opts: JobServiceOptions;

  constructor(opts: JobServiceOptions) {
    this.opts = opts;
    this.repo = new JobRepo(opts.db);
    this.events.setMaxListeners(0);
  }

  register(def: JobDefinition): void {
    this.defs.set(def.kind, def);
  }

  kinds(): { kind: string; title: string; resumable: boolean }[] {
    return [...this.defs.values()].map((d) => ({ kind: d.kind, title: d.title, resumable: true }));
  }

  /** Marks runs of dead processes as interrupted and resumes those that resume by themselves. */
  async start(): Promise<void> {
    const orphans = this.repo.markOrphans((owner, hb) => this.ownerAlive(owner, hb));
    for (const id of orphans) {
      const run = this.repo.get(id)!;
      this.opts.logger.child({ runId: id, component: run.kind }).warn('job_interrupted', `${run.title} was interrupted by a crash or kill`);
      if (this.defs.get(run.kind)?.autoResume) await this.resume(id);
    }
    this.heartbeat = setInterval(() => this.repo.heartbeat(this.owner), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.ownerCheck = setInterval(() => this.interruptOrphans(), OWNER_CHECK_MS);
    this.ownerCheck.unref();
    this.pump();
  }

  /**
   * Runs owned by another process that is gone (kill -9 of a CLI command sharing this store …)
   * become `interrupted` at once instead of showing RUNNING forever. Kept to an owner check so
   * that it carries over to any queue backend that records owners.
   */
  interruptOrphans(): string[] {
    if (this.closed) return [];
    const orphans = this.repo.markOrphans((owner, hb) => this.ownerAlive(owner, hb), this.owner);
    for (const id of orphans) {
      const row = this.repo.row(id)!;
      this.opts.logger.child({ runId: id, component: row.kind }).warn('job_interrupted', `${row.title} was interrupted: the process running it (${row.owner ?? 'unknown'}) is gone`);
      this.emit(id);
      if (this.defs.get(row.kind)?.autoResume) void this.resume(id).catch(() => {});
    }
    return orphans;
  }

  /** From now on new runs go to the shared queue (null: back to this process's pump). */
  setDispatcher(d: JobDispatcher | null): void {
    this.dispatcher = d;
  }

  /** Kinds this process can run. */
  knownKinds(): string[] {
    return [...this.defs.keys()];
  }

  /**
   * A run handed over by the shared queue: runs here now under the same id (a retry after another
   * worker died resumes from the checkpoints the job keeps in the warehouse) and resolves when it stops.
   */
  async runDispatched(r: { id: string; kind: string; params: unknown; title: string; rerun?: RerunPlan }): Promise<JobRun> {
    const def = this.defs.get(r.kind);
    if (!def) throw new OpsError('not_found', `This worker cannot run jobs of kind "${r.kind}"`);
    const existing = this.repo.row(r.id);
    if (!existing) this.repo.insert({ id: r.id, kind: r.kind, title: r.title, params: r.params, concurrencyKey: def.concurrencyKey?.(r.params as never) ?? null, steps: def.steps?.(r.params as never) ?? [], rerun: r.rerun });
    else if (existing.status !== 'queued') this.repo.requeue(r.id);
    if (this.active.has(r.id)) return this.wait(r.id);
    this.repo.claimQueued(r.id, this.owner);
    this.execute(r.id);
    return this.wait(r.id);
  }

  /** This process ran (or runs) it: not a copy of another worker's run, nor one waiting in the shared queue. */
  ranHere(runId: string): boolean {
    return this.repo.row(runId)?.owner === this.owner;
  }

  /** A copy of a run another worker holds (kept live from the warehouse), for this console's views. */
  replicate(run: JobRun & { worker: string | null }): void {
    if (this.active.has(run.id)) return;
    this.repo.upsertReplica(run, `${QUEUE_OWNER}${run.worker ?? 'queued'}`);
    this.emit(run.id);
  }

  /** The parsed parameters of a run of this kind; throws a message naming the field. */
  validate(kind: string, params: unknown): unknown {
    const def = this.defs.get(kind);
    if (!def) throw new OpsError('not_found', `Unknown job kind "${kind}" (known: ${[...this.defs.keys()].sort().join(', ')})`);
    const parsed = def.params.safeParse(params);
    if (!parsed.success) throw new OpsError('invalid_input', `${def.title}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  async enqueue(kind: string, params: unknown, opts: { dedupe?: boolean } = {}): Promise<JobRun> {
    return this.submit(kind, params, opts);
  }

  /**
   * Runs a stopped run again with the same parameters as a new run. From a chosen step (Dagster's
   * "retry from step"): the declared steps before it are not run again but take the earlier run's
   * results (recorded as `reused`, or `skipped` where that run skipped them).
   */
  async rerun(runId: string, fromStep?: string): Promise<JobRun> {
    const src = this.get(runId);
    if (!STOPPED_STATUSES.includes(src.status)) throw new OpsError('conflict', `This run is ${src.status}: retry it once it has stopped (or cancel it first)`);
    const def = this.defs.get(src.kind);
    if (!def) throw new OpsError('not_found', `This core cannot run jobs of kind "${src.kind}"`);
    const params = this.validate(src.kind, src.params);
    if (fromStep === undefined) return this.submit(src.kind, params, {});
    const declared = def.steps?.(params as never) ?? [];
    const at = declared.indexOf(fromStep);
    if (at < 0) throw new OpsError('invalid_input', declared.length ? `fromStep: "${fromStep}" is not a step of ${def.title} (its steps: ${declared.join(', ')})` : `fromStep: ${def.title} has no steps to start from`);
    const steps: RerunPlan['steps'] = [];
    for (const name of declared.slice(0, at)) {
      const v = this.repo.stepValue(src.id, name);
      if (v?.status === 'done' || v?.status === 'reused') steps.push({ name, status: 'reused', result: v.result });
      else if (v?.status === 'skipped') steps.push({ name, status: 'skipped' });
      else throw new OpsError('conflict', `Step "${name}" did not finish in that run (${v?.status ?? 'pending'}), so a retry cannot start after it: retry from "${name}" or an earlier step`);
    }
    return this.submit(src.kind, params, { rerun: { runId: src.id, fromStep, steps } });
  }

  private async submit(kind: string, params: unknown, opts: { dedupe?: boolean; rerun?: RerunPlan }): Promise<JobRun> {
    const def = this.defs.get(kind)!;
    const parsed = { data: this.validate(kind, params) as never };
    const key = def.concurrencyKey?.(parsed.data) ?? null;
    if (opts.dedupe) {
      const existing = this.repo.activeByKey(kind, key);
      if (existing) return existing;
    }
    const id = randomUUID();
    const title = def.describe(parsed.data);
    this.repo.insert({ id, kind, title, params: parsed.data, concurrencyKey: key, steps: def.steps?.(parsed.data) ?? [], rerun: opts.rerun });
    if (opts.rerun) this.opts.logger.child({ runId: id, component: kind }).info('job_rerun', `${title}: retry of run ${opts.rerun.runId.slice(0, 8)} from step "${opts.rerun.fromStep}" (${opts.rerun.steps.map((s) => `${s.name} ${s.status}`).join(', ') || 'nothing reused'})`, { rerunOf: opts.rerun.runId, fromStep: opts.rerun.fromStep });
    if (this.dispatcher) {
      this.repo.claimQueued(id, `${QUEUE_OWNER}pending`);
      await this.dispatcher.send({ id, kind, params: parsed.data, title, concurrencyKey: key, rerun: opts.rerun });
      this.emit(id);
      return this.get(id);
    }
    this.repo.claimQueued(id, this.owner);
    this.emit(id);
    this.pump();
    return this.get(id);
  }

  get(runId: string): JobRun {
    const run = this.repo.get(runId);
    if (!run) throw new OpsError('not_found', `No job run with id ${runId}`);
    return this.withLive(run);
  }

  /** The run, or null when this process does not know it. */
  find(runId: string): JobRun | null {
    const run = this.repo.get(runId);
    return run ? this.withLive(run) : null;
  }

  list(filter: { kind?: string; status?: JobStatus; limit: number; beforeCreatedAt?: string }): JobRun[] {
    return this.repo.list(filter).map((r) => this.withLive(r));
  }

  private withLive(run: JobRun): JobRun {
    const p = this.live.get(run.id);
    return p ? { ...run, progress: { ...p } } : run;
  }

  async cancel(runId: string, opts: { pause?: boolean } = {}): Promise<JobRun> {
    const run = this.get(runId);
    const a = this.active.get(runId);
    if (a) {
      a.pause = Boolean(opts.pause);
      a.controller.abort(new OpsError('cancelled', opts.pause ? 'Paused by the operator' : 'Cancelled by the operator'));
      await a.done;
    } else if (run.status === 'queued') {
      this.repo.finish(runId, opts.pause ? 'paused' : 'cancelled', opts.pause ? 'Paused before it started' : 'Cancelled before it started', undefined);
      this.emit(runId);
    } else if ((run.status === 'paused' || run.status === 'interrupted') && !opts.pause) {
      this.repo.finish(runId, 'cancelled', 'Cancelled by the operator', undefined);
      this.emit(runId);
    } else if (!STOPPED_STATUSES.includes(run.status) && this.dispatcher && this.repo.row(runId)?.owner?.startsWith(QUEUE_OWNER)) {
      await this.dispatcher.requestStop(runId, Boolean(opts.pause));
    } else if (!STOPPED_STATUSES.includes(run.status)) {
      throw new OpsError('conflict', `This run belongs to another Repo Ops process (${run.status}); cancel it there`);
    }
    return this.get(runId);
  }

  async resume(runId: string): Promise<JobRun> {
    const run = this.get(runId);
    if (!run.resumable) throw new OpsError('conflict', `A ${run.status} run cannot be resumed`);
    if (!this.defs.has(run.kind)) throw new OpsError('not_found', `This core cannot run jobs of kind "${run.kind}"`);
    this.repo.requeue(runId, run.status !== 'paused');
    this.repo.claimQueued(runId, this.owner);
    this.emit(runId);
    this.pump();
    return this.get(runId);
  }

  onChange(listener: (run: JobRun) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  wait(runId: string): Promise<JobRun> {
    return new Promise((resolve) => {
      const check = (run: JobRun) => {
        if (run.id === runId && STOPPED_STATUSES.includes(run.status)) {
          off();
          resolve(run);
        }
      };
      const off = this.onChange(check);
      check(this.get(runId));
    });
  }

  /** Stops running jobs as `interrupted` (resumable), waiting for them to checkpoint. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.ownerCheck) clearInterval(this.ownerCheck);
    for (const a of this.active.values()) {
      a.shutdown = true;
      a.controller.abort(new OpsError('cancelled', 'Repo Ops is shutting down'));
    }
    await Promise.race([Promise.all([...this.active.values()].map((a) => a.done)), new Promise((r) => setTimeout(r, 10_000))]);
  }

  private pump(): void {
    if (this.closed) return;
    const limit = this.opts.concurrency();
    const busyKeys = new Set([...this.active.keys()].map((id) => this.repo.row(id)?.concurrency_key).filter(Boolean));
    for (const row of this.repo.queued()) {
      if (this.active.size >= limit) return;
      if (row.owner !== this.owner || !this.defs.has(row.kind) || this.active.has(row.id)) continue;
      if (row.concurrency_key && busyKeys.has(row.concurrency_key)) continue;
      if (row.concurrency_key) busyKeys.add(row.concurrency_key);
      this.execute(row.id);
    }
  }

  private execute(runId: string): void {
    const run = this.get(runId);
    const def = this.defs.get(run.kind)!;
    const controller = new AbortController();
    const log = this.opts.logger.child({ runId, component: run.kind });
    const entry: Active = { controller, shutdown: false, pause: false, done: Promise.resolve() };
    this.active.set(runId, entry);
    this.repo.markStarted(runId, this.owner);
    this.emit(runId);
    entry.done = this.runBody(def, run, controller, log, entry).finally(() => {
      this.active.delete(runId);
      this.live.delete(runId);
      this.emit(runId);
      this.pump();
    });
  }

  private async runBody(def: JobDefinition, run: JobRun, controller: AbortController, log: Logger, entry: Active): Promise<void> {
    const runId = run.id;
    const progress: JobRun['progress'] = resumedProgress({ ...emptyProgress(), ...run.progress });
    const meter = new RateMeter();
    let lastEmit = 0;
    let lastPersist = 0;
    this.live.set(runId, progress);
    const ctx: JobContext<unknown> = {
      runId,
      params: run.params,
      attempt: run.attempt,
      signal: controller.signal,
      log,
      progress: (u: ProgressUpdate) => {
        Object.assign(progress, {
          ...u,
          extra: u.extra ? { ...progress.extra, ...u.extra } : progress.extra,
        });
        progress.ratePerSec = meter.sample(progress.done);
        progress.etaSeconds = meter.eta(progress.done, progress.total);
        const t = Date.now();
        if (t - lastPersist >= PERSIST_EVERY_MS) {
          lastPersist = t;
          this.repo.saveProgress(runId, progress);
        }
        if (t - lastEmit >= EMIT_EVERY_MS) {
          lastEmit = t;
          this.emitLive(runId, progress);
        }
      },
      step: async <T>(name: string, fn: (cp: Checkpoint<unknown>) => Promise<T>): Promise<T> => {
        const prev = this.repo.stepValue(runId, name);
        if (prev?.status === 'done' || prev?.status === 'reused') return prev.result as T;
        ctx.throwIfCancelled();
        this.repo.stepStarted(runId, name);
        this.emit(runId);
        const checkpoint: Checkpoint<unknown> = {
          value: prev?.checkpoint,
          save: (value) => {
            (checkpoint as { value: unknown }).value = value;
            this.repo.stepCheckpoint(runId, name, value);
          },
        };
        try {
          const result = await fn(checkpoint);
          this.repo.stepFinished(runId, name, 'done', result ?? null);
          this.emit(runId);
          return result;
        } catch (e) {
          this.repo.stepFinished(runId, name, 'failed');
          throw e;
        }
      },
      skipStep: (name: string) => {
        const st = this.repo.stepValue(runId, name)?.status;
        if (st === 'done' || st === 'reused') return;
        this.repo.stepFinished(runId, name, 'skipped');
        this.emit(runId);
      },
      reused: (name: string) => this.repo.stepValue(runId, name)?.status === 'reused',
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw controller.signal.reason ?? new OpsError('cancelled', 'Cancelled');
      },
    };
    const started = Date.now();
    log.info('job_started', `${run.title} started (attempt ${run.attempt})`, { kind: run.kind });
    try {
      const outcome: JobOutcome = (await def.run(ctx)) ?? {};
      this.repo.saveProgress(runId, progress);
      const status = outcome.status ?? 'succeeded';
      this.repo.finish(runId, status, null, outcome.result);
      const ms = Date.now() - started;
      if (status === 'incomplete') log.warn('job_incomplete', `${run.title} finished incomplete`, { ms });
      else log.info('job_succeeded', `${run.title} finished in ${(ms / 1000).toFixed(1)} s`, { ms });
    } catch (e) {
      this.repo.saveProgress(runId, progress);
      if (controller.signal.aborted) {
        const status: JobStatus = entry.shutdown ? 'interrupted' : entry.pause ? 'paused' : 'cancelled';
        const why = { interrupted: 'Interrupted by shutdown; resume to continue', paused: 'Paused by the operator; resume to continue', cancelled: 'Cancelled by the operator' } as Record<string, string>;
        this.repo.finish(runId, status, why[status]!, undefined);
        log.warn(`job_${status}`, `${run.title} ${status}`);
      } else if (e instanceof JobPausedError) {
        const message = this.opts.logger.redact(e.message);
        this.repo.finish(runId, 'paused', message, undefined);
        log.warn('job_paused', `${run.title} paused: ${message}`);
      } else {
        // Stored and sent to every window: never a secret an error message happened to carry.
        const message = this.opts.logger.redact(e instanceof Error ? e.message : String(e));
        this.repo.finish(runId, 'failed', message, undefined);
        log.error('job_failed', `${run.title} failed: ${message}`, { error: e instanceof OpsError ? { code: e.code } : e });
      }
    }
  }

  private emit(runId: string): void {
    const run = this.repo.get(runId);
    if (run) this.events.emit('change', this.withLive(run));
  }

  private emitLive(runId: string, progress: JobRun['progress']): void {
    const run = this.repo.get(runId);
    if (run) this.events.emit('change', { ...run, progress: { ...progress } });
  }


  private ownerAlive(owner: string | null, heartbeatAt: number | null): boolean {
    if (!owner) return false;
    // Runs in the shared queue or replicas of other workers' runs: their liveness is the queue's business.
    if (owner.startsWith(QUEUE_OWNER)) return true;
    const [host, pid] = owner.split(':');
    if (host === hostname()) {
      if (Number(pid) === process.pid) return false; // a previous life of this very pid cannot be running
      try {
        process.kill(Number(pid), 0);
        return heartbeatAt !== null && Date.now() - heartbeatAt < STALE_MS;
      } catch {
        return false;
      }
    }
    return heartbeatAt !== null && Date.now() - heartbeatAt < STALE_MS;
  }
}
