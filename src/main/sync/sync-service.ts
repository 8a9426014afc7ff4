import type { Reconciliation, RepositoryRow, SyncPlan, SyncRequest, SyncRunSummary } from '../../shared/contract/repos.ts';
import { OpsError } from '../../shared/errors.ts';
import { GitHubClient } from '../github/client.ts';
import type { BudgetService } from '../costs/budget-service.ts';
import type { CostService } from '../costs/cost-service.ts';
import type { JobQueue, JobRun, ProgressUpdate } from '../jobs/types.ts';
import type { Logger } from '../logging/logger.ts';
import type { RequestGate } from '../rate-budgets/rate-budgets.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { githubCounts, reconcile } from './reconcile.ts';
import { parseRepoName } from '../github/repo-name.ts';
import { resolveWindow } from './plan.ts';
import { findRepository, lookupRepository, trackRepository, type TrackedRepository } from './repositories.ts';
import { measureSync, warehouseSide, type SyncMeasurement } from './measure.ts';
import { MeasureMemo, measureKey } from './measure-memo.ts';
import { runSync, type SyncResult } from './runner.ts';
import { githubSpend } from './spend.ts';
import { syncCost } from './cost.ts';

export type { SyncMeasurement, SyncResult, TrackedRepository };

/** The run another job lends a sync it runs as one of its steps (the backfill's "sync"). */
export interface HostRun {
  runId: string;
  /** The host job's kind: the GitHub spending is booked to it. */
  jobKind: string;
  log: Logger;
  signal: AbortSignal;
  progress(u: ProgressUpdate): void;
  /** The host's step wrapper: a stream finished in an earlier attempt is skipped. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const SYNC_JOB = 'github-sync';

interface RunRow {
  id: string;
  mode: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  requests: number;
  graphql_points: number;
  rows_written: number;
  reconciliation: SyncRunSummary['reconciliation'];
  error: string | null;
}

const toRun = (r: RunRow): SyncRunSummary => ({
  id: r.id,
  mode: r.mode,
  status: r.status,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  requests: r.requests,
  graphqlPoints: r.graphql_points,
  rowsWritten: Number(r.rows_written),
  reconciliation: r.reconciliation,
  error: r.error,
});

function sameRequest(a: SyncRequest, b: SyncRequest): boolean {
  const key = (r: SyncRequest) => JSON.stringify([r.repository.toLowerCase(), r.mode, r.timeRangeDays ?? null, r.since ?? null, r.until ?? null]);
  return key(a) === key(b);
}

interface SyncDeps {
  warehouse: WarehouseService;
  profiles: ProfileService;
  secrets: SecretService;
  jobs: JobQueue;
  logger: Logger;
  /** The token's rate budget shared with every process using it (absent: this process alone paces itself). */
  gate?(apiUrl: string, token: string): Promise<RequestGate>;
  /** GitHub points budgets and the cost ledger (syncs run without them in some tests). */
  costs?: { budgets: BudgetService; costs: CostService };
}

/** Repositories and their syncs: tracking, dry-run plans, sync jobs, history. */
export class SyncService {
  private readonly deps: SyncDeps;
  private readonly measured = new MeasureMemo();

  constructor(deps: SyncDeps) {
    this.deps = deps;
  }

  /** A tracked repository by its current or any earlier name; null when it is not tracked. */
  async repository(name: string): Promise<TrackedRepository | null> {
    const { pool } = await this.deps.warehouse.connection();
    return findRepository(pool, name);
  }

  /** The repository as GitHub names it now (it follows renames); read-only, nothing is tracked. */
  async lookup(name: string): Promise<{ fullName: string; githubId: number }> {
    const { repo } = await lookupRepository(await this.github(), name);
    return { fullName: repo.full_name, githubId: repo.id };
  }

  /**
   * A sync as a step of another job: checkpoints, logs and progress go to the host run, and
   * GitHub points are checked against the budgets and booked to it, as in a sync job of its own.
   */
  async runWithin(host: HostRun, req: SyncRequest): Promise<SyncResult> {
    const { pool, url } = await this.deps.warehouse.connection();
    const github = await this.github({ signal: host.signal, logger: host.log, onWait: (reason) => host.progress({ message: reason }) });
    const costs = this.deps.costs;
    const spend = costs ? (repository: string) => githubSpend(costs, { runId: host.runId, jobKind: host.jobKind, repository, github }) : undefined;
    return runSync({ runId: host.runId, pool, url, github, log: host.log, signal: host.signal, progress: host.progress, step: host.step, spend }, req);
  }

  /** GitHub's counts against the warehouse's for a tracked repository (all of its history). */
  async reconcile(repo: TrackedRepository, opts: { signal?: AbortSignal; log: Logger }): Promise<Reconciliation> {
    const { pool } = await this.deps.warehouse.connection();
    const github = await this.github({ signal: opts.signal, logger: opts.log });
    return reconcile({ pool, github, log: opts.log, repositoryId: repo.id, owner: repo.owner, name: repo.name, window: resolveWindow({ repository: repo.fullName, mode: 'incremental' }), nestedGaps: 0 });
  }

  /**
   * What a sync of this request will fetch, measured read-only before it runs: GitHub's and the
   * warehouse's counts and a totalCount-only scan of the sync's own pages (the backfill estimate).
   */
  async measure(req: SyncRequest, opts: { scan: boolean; maxPages: number; signal?: AbortSignal; reuseWithinMs?: number }): Promise<SyncMeasurement> {
    const name = parseRepoName(req.repository);
    const { pool } = await this.deps.warehouse.connection();
    const window = resolveWindow(req);
    const side = await warehouseSide(pool, name.fullName, window);
    // Reused only when asked: GitHub's side of a measurement this young, from the same marks.
    const profile = this.deps.profiles.ensureActive();
    const key = measureKey({ profileId: profile.id, apiUrl: profile.githubApiUrl, fullName: name.fullName, window: req, scan: opts.scan, maxPages: opts.maxPages });
    const reused = opts.reuseWithinMs ? this.measured.get(key, side, opts.reuseWithinMs) : null;
    if (reused) return reused;
    const github = await this.github({ signal: opts.signal });
    const m = await measureSync({ github, log: this.deps.logger, owner: name.owner, name: name.name, window, side, scan: opts.scan, maxPages: opts.maxPages, signal: opts.signal });
    this.measured.set(key, side, m);
    return m;
  }

  /** A GitHub client for the active profile (its API URL and keychain token). */
  async github(opts: { signal?: AbortSignal; logger?: Logger; onWait?(reason: string, until: number): void } = {}): Promise<GitHubClient> {
    const profile = this.deps.profiles.ensureActive();
    const token = await this.deps.secrets.require(profile.id, 'github_token');
    const gate = await this.deps.gate?.(profile.githubApiUrl, token);
    return new GitHubClient({ baseUrl: profile.githubApiUrl, token, logger: opts.logger ?? this.deps.logger, signal: opts.signal, onWait: opts.onWait, gate });
  }

  async track(repository: string): Promise<{ repository: RepositoryRow; renamedFrom: string | null }> {
    const { pool } = await this.deps.warehouse.connection();
    const { repository: repo, renamedFrom } = await trackRepository(pool, await this.github(), repository);
    if (renamedFrom) this.deps.logger.info('repository_renamed', `${renamedFrom} was renamed to ${repo.fullName} on GitHub; following the rename`, { from: renamedFrom, to: repo.fullName });
    this.deps.logger.info('repository_tracked', `Tracking ${repo.fullName}`, { repositoryId: repo.id });
    const row = (await this.list()).find((r) => r.id === repo.id)!;
    return { repository: row, renamedFrom };
  }

  async githubId(id: string): Promise<number | null> {
    const { pool } = await this.deps.warehouse.connection();
    const v = (await pool.query<{ github_id: string | null }>('SELECT github_id FROM repositories WHERE id = $1', [id])).rows[0]?.github_id;
    return v === null || v === undefined ? null : Number(v);
  }

  async untrack(id: string): Promise<void> {
    const { pool } = await this.deps.warehouse.connection();
    const { rowCount } = await pool.query('DELETE FROM repositories WHERE id = $1', [id]);
    if (!rowCount) throw new OpsError('not_found', 'No such tracked repository');
  }

  async list(): Promise<RepositoryRow[]> {
    const { pool } = await this.deps.warehouse.connection();
    const { rows } = await pool.query(`
      SELECT r.id, r.full_name, r.previous_names, r.html_url, r.last_synced_at,
        (SELECT count(*) FROM pull_requests p WHERE p.repository_id = r.id)::int AS prs,
        (SELECT count(*) FROM issues i WHERE i.repository_id = r.id)::int AS issues,
        (SELECT count(*) FROM reviews v WHERE v.repository_id = r.id)::int AS reviews,
        (SELECT count(*) FROM comments c WHERE c.repository_id = r.id)::int AS comments,
        (SELECT count(DISTINCT a) FROM (
           SELECT author_id a FROM pull_requests WHERE repository_id = r.id UNION ALL SELECT author_id FROM issues WHERE repository_id = r.id
           UNION ALL SELECT reviewer_id FROM reviews WHERE repository_id = r.id UNION ALL SELECT commenter_id FROM comments WHERE repository_id = r.id) x)::int AS contributors,
        (SELECT row_to_json(s) FROM (SELECT * FROM sync_runs WHERE repository_id = r.id ORDER BY started_at DESC LIMIT 1) s) AS last_run
      FROM repositories r ORDER BY lower(r.full_name)`);
    const active = this.deps.jobs.list({ kind: SYNC_JOB, status: 'running', limit: 100 }).concat(this.deps.jobs.list({ kind: SYNC_JOB, status: 'queued', limit: 100 }));
    return rows.map((r) => {
      const last = r.last_run as (Omit<RunRow, 'started_at' | 'finished_at'> & { started_at: string; finished_at: string | null }) | null;
      const run = active.find((j) => (j.params as SyncRequest).repository.toLowerCase() === String(r.full_name).toLowerCase());
      return {
        id: r.id,
        fullName: r.full_name,
        previousNames: r.previous_names,
        htmlUrl: r.html_url,
        lastSyncedAt: r.last_synced_at?.toISOString() ?? null,
        counts: { pullRequests: r.prs, issues: r.issues, reviews: r.reviews, comments: r.comments, contributors: r.contributors },
        lastRun: last ? toRun({ ...last, started_at: new Date(last.started_at), finished_at: last.finished_at ? new Date(last.finished_at) : null }) : null,
        activeRunId: run?.id ?? null,
      };
    });
  }

  async runs(id: string, limit: number): Promise<SyncRunSummary[]> {
    const { pool } = await this.deps.warehouse.connection();
    const { rows } = await pool.query('SELECT * FROM sync_runs WHERE repository_id = $1 ORDER BY started_at DESC LIMIT $2', [id, limit]);
    return (rows as RunRow[]).map(toRun);
  }

  /**
   * Starts a sync — or, when the latest run for this repository stopped part-way
   * (crash, kill, failure, cancel) with the same options, resumes it from its last page.
   */
  async start(req: SyncRequest): Promise<JobRun> {
    const name = parseRepoName(req.repository);
    const params = { ...req, repository: name.fullName };
    const latest = this.deps.jobs.list({ kind: SYNC_JOB, limit: 200 }).find((r) => (r.params as SyncRequest).repository.toLowerCase() === name.fullName.toLowerCase());
    if (latest?.resumable && sameRequest(latest.params as SyncRequest, params)) return this.deps.jobs.resume(latest.id);
    return this.deps.jobs.enqueue(SYNC_JOB, params, { dedupe: true });
  }

  /** The dry run: GitHub's counts and the cost of fetching them, nothing written. */
  async plan(req: SyncRequest): Promise<SyncPlan> {
    const name = parseRepoName(req.repository);
    const github = await this.github();
    const window = resolveWindow(req);
    const counts = await githubCounts(github, name.owner, name.name, window);
    const cost = syncCost(counts);
    const gql = github.stats.buckets.graphql;
    return {
      repository: name.fullName,
      mode: window.mode,
      window: { since: window.since?.toISOString() ?? null, until: window.until?.toISOString() ?? null },
      pullRequests: counts.pullRequests,
      issues: counts.issues,
      estimatedRequests: cost.requests,
      estimatedPoints: cost.points,
      rateLimit: { graphqlRemaining: gql?.remaining ?? null, graphqlResetAt: gql?.resetAt ?? null },
      note: window.mode === 'incremental' ? 'Incremental runs fetch only what changed since the last complete run; the counts are the repository totals.' : 'Nothing was written.',
    };
  }
}
