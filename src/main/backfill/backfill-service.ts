import type { BackfillRequest } from '../../shared/contract/backfill.ts';
import { OpsError } from '../../shared/errors.ts';
import type { EmbeddingService } from '../embedding-job/embedding-service.ts';
import { parseRepoName } from '../github/repo-name.ts';
import type { JobQueue, JobRun } from '../jobs/types.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { BACKFILL_JOB } from './backfill-job.ts';
import { estimateBackfill } from './estimate.ts';
import { preflight } from './preflight.ts';
import { SampleMemo } from './sample-memo.ts';
import { dryRunReport, runReport } from './report.ts';

const sameRequest = (a: BackfillRequest, b: BackfillRequest) =>
  JSON.stringify([a.repository.toLowerCase(), a.mode, a.timeRangeDays ?? null, a.skipEmbeddings, a.embeddingsOnly, [...a.workspaces].sort()]) ===
  JSON.stringify([b.repository.toLowerCase(), b.mode, b.timeRangeDays ?? null, b.skipEmbeddings, b.embeddingsOnly, [...b.workspaces].sort()]);

// How long the estimate's GitHub reads stand: the wizard's preflight, estimate and start are a minute or two apart.
const GITHUB_READS_REUSED_MS = 5 * 60_000;

/** The guided backfill: preflight, estimate, the backfill job, reports. */
export class BackfillService {
  private readonly d: { jobs: JobQueue; warehouse: WarehouseService; sync: SyncService; embeddings: EmbeddingService; settings: SettingsService; profiles: ProfileService; secrets: SecretService; workspaces: WorkspaceService };
  private readonly samples = new SampleMemo();
  constructor(d: BackfillService['d']) {
    this.d = d;
  }

  /**
   * The preflight, the estimate and a budgeted start each estimate: within a few minutes they share
   * one reading of GitHub (its scan and sampled texts: ~100 requests on a large repository) unless
   * a sync moved the warehouse's marks in between.
   */
  estimate(req: BackfillRequest, opts?: { probes?: boolean }) {
    // Asked to read again: a reading of now (kept for what follows, like any other).
    return estimateBackfill(this.d, req, { ...opts, reuse: { withinMs: req.rereadGitHub ? 0 : GITHUB_READS_REUSED_MS, samples: this.samples } });
  }

  async preflight(req: BackfillRequest) {
    const budget = req.embeddingsOnly ? null : await this.estimate(req, { probes: false }).then((e) => ({ graphqlPoints: e.github.points }), () => null);
    return preflight(this.d, req, budget);
  }

  /** Starts a backfill, or resumes the latest one for the same options if it stopped part-way. */
  async start(req: BackfillRequest): Promise<JobRun> {
    const name = parseRepoName(req.repository);
    const params = { ...req, repository: name.fullName };
    const latest = this.d.jobs.list({ kind: BACKFILL_JOB, limit: 200 }).find((r) => (r.params as BackfillRequest).repository.toLowerCase() === name.fullName.toLowerCase());
    let audit = async (_runId: string) => {};
    if (!req.skipEmbeddings && (await this.d.embeddings.deps.budgets.applies('embeddings'))) {
      const e = (await this.estimate(req, { probes: false })).embeddings;
      const estimate = { usd: e.usd, tokens: e.tokens, repository: name.fullName };
      const budgets = this.d.embeddings.deps.budgets;
      const violations = await budgets.preflight({ category: 'embeddings', runId: null, jobKind: BACKFILL_JOB, repository: name.fullName, estimate, override: req.budgetOverride });
      const reason = req.budgetOverride?.reason;
      if (violations.length && reason) audit = (runId) => budgets.recordOverride({ subject: `backfill ${name.fullName}`, runId, reason, estimate, violations, category: 'embeddings', repository: name.fullName });
    }
    if (latest?.resumable && sameRequest(latest.params as BackfillRequest, params)) {
      await audit(latest.id);
      return this.d.jobs.resume(latest.id);
    }
    const run = await this.d.jobs.enqueue(BACKFILL_JOB, params, { dedupe: true });
    await audit(run.id);
    return run;
  }

  /** The run the wizard reopens on: one still going or stopped part-way, else the newest. */
  current(): JobRun | null {
    const runs = this.d.jobs.list({ kind: BACKFILL_JOB, limit: 20 });
    return runs.find((r) => ['running', 'queued', 'paused', 'interrupted'].includes(r.status)) ?? runs[0] ?? null;
  }

  report(runId: string, format: 'json' | 'markdown') {
    const run = this.d.jobs.get(runId);
    if (run.kind !== BACKFILL_JOB) throw new OpsError('invalid_input', 'Reports are for backfill runs');
    return runReport(run, format);
  }

  async dryRun(req: BackfillRequest, format: 'json' | 'markdown') {
    const [estimate, checks] = await Promise.all([this.estimate(req), this.preflight(req)]);
    return dryRunReport(req, estimate, checks, format);
  }
}
