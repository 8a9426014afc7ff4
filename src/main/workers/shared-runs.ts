import type pg from 'pg';
import type { JobRun } from '../../shared/contract/jobs.ts';

export type SharedRun = JobRun & { worker: string | null; stopRequested: 'cancel' | 'pause' | null; updatedAt: string };
/** A changed run with its exact change time (microseconds, as Postgres keeps it) to read on from. */
export type ChangedRun = SharedRun & { cursor: string };

/** Writes this worker's view of a run (the latest wins; a finished run is never reopened by a late progress write). */
export async function pushRun(pool: pg.Pool, run: JobRun, worker: string): Promise<void> {
  await pool.query(
    `INSERT INTO job_runs_shared (id, kind, title, status, params, progress, steps, attempt, created_at, started_at, finished_at, error, result, worker, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, clock_timestamp())
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, progress = excluded.progress, steps = excluded.steps, attempt = GREATEST(job_runs_shared.attempt, excluded.attempt),
       started_at = excluded.started_at, finished_at = excluded.finished_at, error = excluded.error, result = excluded.result, worker = excluded.worker, updated_at = clock_timestamp(),
       stop_requested = CASE WHEN excluded.status IN ('queued', 'running') THEN job_runs_shared.stop_requested END
     -- A late progress write never reopens a finished run (a resume comes with a new attempt).
     WHERE job_runs_shared.status NOT IN ('succeeded', 'failed', 'cancelled', 'incomplete') OR excluded.status NOT IN ('queued', 'running') OR excluded.attempt > job_runs_shared.attempt`,
    [run.id, run.kind, run.title, run.status, JSON.stringify(run.params ?? null), JSON.stringify(run.progress), JSON.stringify(run.steps), run.attempt, run.createdAt, run.startedAt, run.finishedAt, run.error, run.result === undefined ? null : JSON.stringify(run.result), worker],
  );
}

interface Row {
  id: string;
  kind: string;
  title: string;
  status: JobRun['status'];
  params: unknown;
  progress: JobRun['progress'];
  steps: JobRun['steps'];
  attempt: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  result: unknown;
  worker: string | null;
  stop_requested: 'cancel' | 'pause' | null;
  updated_at: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toRun = (r: Row): SharedRun => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  status: r.status,
  params: r.params,
  progress: r.progress,
  steps: r.steps,
  attempt: r.attempt,
  createdAt: r.created_at.toISOString(),
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
  error: r.error,
  result: r.result,
  resumable: ['interrupted', 'failed', 'cancelled', 'paused'].includes(r.status),
  worker: r.worker,
  stopRequested: r.stop_requested,
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Runs changed after `since` (exclusive; a previous answer's `cursor`), oldest change first, plus
 * every run changed in the `lookbackMs` before it; only those of `ids` when given. The cursor keeps
 * Postgres's microseconds: a millisecond ISO time would fall before the change it came from. The
 * look-back is there because `updated_at` is taken before the commit: a write that commits late
 * lands behind a cursor that has already moved past it (the caller drops what it has seen).
 */
export async function changedRuns(pool: pg.Pool, since: string | null, lookbackMs: number, limit = 500, ids: string[] | null = null): Promise<ChangedRun[]> {
  const cols = `*, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor`;
  const { rows } = await pool.query(
    `(SELECT ${cols} FROM job_runs_shared
       WHERE updated_at > COALESCE($1::timestamptz, '-infinity') AND ($3::text[] IS NULL OR id = ANY($3)) ORDER BY updated_at LIMIT $2)
     UNION ALL
     (SELECT ${cols} FROM job_runs_shared
       WHERE updated_at <= $1::timestamptz AND updated_at > $1::timestamptz - make_interval(secs => $4::float8 / 1000) AND ($3::text[] IS NULL OR id = ANY($3)))
     ORDER BY updated_at`,
    [since, limit, ids, lookbackMs],
  );
  return (rows as (Row & { cursor: string })[]).map((r) => ({ ...toRun(r), cursor: r.cursor }));
}

/**
 * Reads runs as they change, each change once: a cursor with a look-back, and the last change seen
 * of every run inside the look-back so a re-read is dropped and a late commit is not.
 */
export class RunFeed {
  private cursor: string | null = null;
  private readonly seen = new Map<string, string>();
  private readonly lookbackMs: number;

  constructor(lookbackMs = 10_000) {
    this.lookbackMs = lookbackMs;
  }

  async next(pool: pg.Pool, ids: string[] | null = null, limit = 500): Promise<ChangedRun[]> {
    const rows = await changedRuns(pool, this.cursor, this.lookbackMs, limit, ids);
    const fresh = rows.filter((r) => r.cursor > (this.seen.get(r.id) ?? ''));
    for (const r of fresh) {
      this.seen.set(r.id, r.cursor);
      if (r.cursor > (this.cursor ?? '')) this.cursor = r.cursor;
    }
    // Past the look-back a run is never read again by position, so its entry can go.
    const horizon = Date.parse(this.cursor ?? '') - this.lookbackMs - 1000;
    for (const [id, c] of this.seen) if (Date.parse(c) < horizon) this.seen.delete(id);
    return fresh;
  }
}

export async function listRuns(pool: pg.Pool, limit: number): Promise<SharedRun[]> {
  const { rows } = await pool.query('SELECT * FROM job_runs_shared ORDER BY created_at DESC LIMIT $1', [limit]);
  return (rows as Row[]).map(toRun);
}

export async function requestStop(pool: pg.Pool, runId: string, pause: boolean): Promise<void> {
  await pool.query("UPDATE job_runs_shared SET stop_requested = $2, updated_at = clock_timestamp() WHERE id = $1 AND status IN ('queued', 'running')", [runId, pause ? 'pause' : 'cancel']);
}
