import type { JobProgress, JobRun, JobStatus, JobStep } from '../../shared/contract/jobs.ts';
import type { Db } from '../store/database.ts';

interface RunRow {
  id: string;
  kind: string;
  title: string;
  status: JobStatus;
  params: string;
  progress: string;
  attempt: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  result: string | null;
  concurrency_key: string | null;
  owner: string | null;
  heartbeat_at: number | null;
  rerun_of: string | null;
  rerun_from: string | null;
}
interface StepRow {
  run_id: string;
  name: string;
  seq: number;
  status: JobStep['status'];
  started_at: string | null;
  finished_at: string | null;
  checkpoint: string | null;
  checkpoint_at: string | null;
  result: string | null;
}

/** A retry from a chosen step: the run it repeats, where it starts, and what the earlier steps take over. */
export interface RerunPlan {
  runId: string;
  fromStep: string;
  steps: { name: string; status: 'reused' | 'skipped'; result?: unknown }[];
}

export const emptyProgress = (): JobProgress => ({ done: 0, total: null, unit: 'items', message: null, ratePerSec: null, etaSeconds: null, extra: {} });
const now = () => new Date().toISOString();
const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

/** SQLite persistence of job runs and their step checkpoints. */
export class JobRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  insert(r: { id: string; kind: string; title: string; params: unknown; concurrencyKey: string | null; steps: string[]; rerun?: RerunPlan }): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO job_runs (id, kind, title, status, params, progress, created_at, concurrency_key, rerun_of, rerun_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(r.id, r.kind, r.title, 'queued', JSON.stringify(r.params ?? null), JSON.stringify(emptyProgress()), now(), r.concurrencyKey, r.rerun?.runId ?? null, r.rerun?.fromStep ?? null);
      this.ensureSteps(r.id, r.steps);
      if (r.rerun) {
        // The steps before the chosen one are recorded as reused (with the earlier run's result) or skipped.
        const set = this.db.prepare('UPDATE job_steps SET status = ?, result = ?, finished_at = ? WHERE run_id = ? AND name = ?');
        for (const s of r.rerun.steps) set.run(s.status, s.result === undefined ? null : JSON.stringify(s.result), now(), r.id, s.name);
      }
    })();
  }

  ensureSteps(runId: string, names: string[]): void {
    const ins = this.db.prepare("INSERT OR IGNORE INTO job_steps (run_id, name, seq, status) VALUES (?, ?, ?, 'pending')");
    names.forEach((n, i) => ins.run(runId, n, i));
  }

  row(id: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM job_runs WHERE id = ?').get(id) as RunRow | undefined;
  }

  get(id: string): JobRun | undefined {
    const row = this.row(id);
    return row ? this.toRun(row) : undefined;
  }

  list(f: { kind?: string; status?: JobStatus; limit: number; beforeCreatedAt?: string }): JobRun[] {
    const conditions: [string, unknown][] = [
      ['kind = ?', f.kind],
      ['status = ?', f.status],
      ['created_at < ?', f.beforeCreatedAt],
    ];
    const used = conditions.filter(([, v]) => v !== undefined);
    const where = used.map(([sql]) => sql);
    const params = used.map(([, v]) => v);
    const rows = this.db.prepare(`SELECT * FROM job_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`).all(...params, f.limit) as RunRow[];
    return rows.map((r) => this.toRun(r));
  }

  activeByKey(kind: string, key: string | null): JobRun | undefined {
    const row = this.db.prepare("SELECT * FROM job_runs WHERE kind = ? AND concurrency_key IS ? AND status IN ('queued', 'running') ORDER BY created_at LIMIT 1").get(kind, key) as RunRow | undefined;
    return row ? this.toRun(row) : undefined;
  }

  queued(): RunRow[] {
    return this.db.prepare("SELECT * FROM job_runs WHERE status = 'queued' ORDER BY created_at, id").all() as RunRow[];
  }

  markStarted(id: string, owner: string): void {
    this.db.prepare("UPDATE job_runs SET status = 'running', started_at = COALESCE(started_at, ?), owner = ?, heartbeat_at = ?, error = NULL WHERE id = ?").run(now(), owner, Date.now(), id);
  }

  claimQueued(id: string, owner: string): void {
    this.db.prepare('UPDATE job_runs SET owner = ?, heartbeat_at = ? WHERE id = ?').run(owner, Date.now(), id);
  }

  /** Proves to other processes sharing the store that our runs are alive. */
  heartbeat(owner: string): void {
    this.db.prepare("UPDATE job_runs SET heartbeat_at = ? WHERE owner = ? AND status IN ('queued', 'running')").run(Date.now(), owner);
  }

  saveProgress(id: string, p: JobProgress): void {
    this.db.prepare('UPDATE job_runs SET progress = ? WHERE id = ?').run(JSON.stringify(p), id);
  }

  finish(id: string, status: JobStatus, error: string | null, result: unknown): void {
    this.db.prepare('UPDATE job_runs SET status = ?, finished_at = ?, error = ?, result = ? WHERE id = ?').run(status, now(), error, result === undefined ? null : JSON.stringify(result), id);
  }

  /** A new attempt after a failure, cancel or crash; a resume after a pause continues the same attempt. */
  requeue(id: string, newAttempt = true): void {
    this.db.prepare(`UPDATE job_runs SET status = 'queued', attempt = attempt + ${newAttempt ? 1 : 0}, finished_at = NULL, error = NULL WHERE id = ?`).run(id);
  }

  /** Runs left queued/running by a process that is gone become `interrupted`. */
  markOrphans(isOwnerAlive: (owner: string | null, heartbeatAt: number | null) => boolean, exceptOwner?: string): string[] {
    const rows = (
      exceptOwner === undefined
        ? this.db.prepare("SELECT id, owner, heartbeat_at FROM job_runs WHERE status IN ('queued', 'running')").all()
        : this.db.prepare("SELECT id, owner, heartbeat_at FROM job_runs WHERE status IN ('queued', 'running') AND owner IS NOT ?").all(exceptOwner)
    ) as Pick<RunRow, 'id' | 'owner' | 'heartbeat_at'>[];
    const orphans = rows.filter((r) => !isOwnerAlive(r.owner, r.heartbeat_at)).map((r) => r.id);
    const st = this.db.prepare("UPDATE job_runs SET status = 'interrupted', error = 'The process running this job stopped unexpectedly; resume to continue from the last checkpoint' WHERE id = ?");
    this.db.transaction(() => orphans.forEach((id) => st.run(id)))();
    return orphans;
  }

  /** Writes a whole run as another worker reported it (status, progress, steps). */
  upsertReplica(run: JobRun, owner: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO job_runs (id, kind, title, status, params, progress, attempt, created_at, started_at, finished_at, error, result, owner, heartbeat_at)
           VALUES (@id, @kind, @title, @status, @params, @progress, @attempt, @created_at, @started_at, @finished_at, @error, @result, @owner, @hb)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, progress = excluded.progress, attempt = excluded.attempt, started_at = excluded.started_at,
             finished_at = excluded.finished_at, error = excluded.error, result = excluded.result, owner = excluded.owner, heartbeat_at = excluded.heartbeat_at`,
        )
        .run({ id: run.id, kind: run.kind, title: run.title, status: run.status, params: JSON.stringify(run.params ?? null), progress: JSON.stringify(run.progress), attempt: run.attempt, created_at: run.createdAt, started_at: run.startedAt, finished_at: run.finishedAt, error: run.error, result: run.result === undefined ? null : JSON.stringify(run.result), owner, hb: Date.now() });
      const up = this.db.prepare(
        `INSERT INTO job_steps (run_id, name, seq, status, started_at, finished_at, checkpoint_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, name) DO UPDATE SET status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at, checkpoint_at = excluded.checkpoint_at`,
      );
      run.steps.forEach((s, i) => up.run(run.id, s.name, i, s.status, s.startedAt, s.finishedAt, s.checkpointAt));
    })();
  }

  step(runId: string, name: string): StepRow | undefined {
    return this.db.prepare('SELECT * FROM job_steps WHERE run_id = ? AND name = ?').get(runId, name) as StepRow | undefined;
  }

  stepStarted(runId: string, name: string): void {
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), -1) + 1 AS s FROM job_steps WHERE run_id = ?').get(runId) as { s: number }).s;
    this.db
      .prepare("INSERT INTO job_steps (run_id, name, seq, status, started_at) VALUES (?, ?, ?, 'running', ?) ON CONFLICT (run_id, name) DO UPDATE SET status = 'running', started_at = COALESCE(job_steps.started_at, excluded.started_at), finished_at = NULL")
      .run(runId, name, seq, now());
  }

  stepCheckpoint(runId: string, name: string, value: unknown): void {
    this.db.prepare('UPDATE job_steps SET checkpoint = ?, checkpoint_at = ? WHERE run_id = ? AND name = ?').run(JSON.stringify(value ?? null), now(), runId, name);
  }

  stepFinished(runId: string, name: string, status: 'done' | 'failed' | 'skipped' | 'reused', result?: unknown): void {
    this.db.prepare('UPDATE job_steps SET status = ?, finished_at = ?, result = ? WHERE run_id = ? AND name = ?').run(status, now(), result === undefined ? null : JSON.stringify(result), runId, name);
  }

  private toRun(r: RunRow): JobRun {
    const steps = (this.db.prepare('SELECT * FROM job_steps WHERE run_id = ? ORDER BY seq').all(r.id) as StepRow[]).map((s) => ({
      name: s.name,
      status: s.status,
      startedAt: s.started_at,
      finishedAt: s.finished_at,
      checkpointAt: s.checkpoint_at,
    }));
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      status: r.status,
      params: parse(r.params),
      progress: { ...emptyProgress(), ...(parse(r.progress) as object) },
      steps,
      attempt: r.attempt,
      createdAt: r.created_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      error: r.error,
      result: parse(r.result),
      resumable: ['interrupted', 'failed', 'cancelled', 'paused'].includes(r.status),
      rerunOf: r.rerun_of ? { runId: r.rerun_of, fromStep: r.rerun_from ?? '' } : null,
    };
  }

  stepValue(runId: string, name: string): { checkpoint: unknown; result: unknown; status: JobStep['status'] } | undefined {
    const s = this.step(runId, name);
    return s ? { checkpoint: parse(s.checkpoint) ?? undefined, result: parse(s.result) ?? undefined, status: s.status } : undefined;
  }
}
