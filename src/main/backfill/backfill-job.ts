import { BackfillRequest, BackfillStep, type BackfillResult } from '../../shared/contract/backfill.ts';
import type { Reconciliation } from '../../shared/contract/repos.ts';
import type { EmbeddingService } from '../embedding-job/embedding-service.ts';
import type { JobContext, JobDefinition } from '../jobs/types.ts';
import type { LogStore } from '../logging/log-store.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { StepProgress } from './step-progress.ts';
import { verifyBackfill } from './verify.ts';

export const BACKFILL_JOB = 'backfill';
export const BACKFILL_STEPS = BackfillStep.options;

/** The features the backfill runs, each through its service (the layer map forbids their internals). */
export interface BackfillDeps {
  warehouse: WarehouseService;
  sync: SyncService;
  embeddings: EmbeddingService;
  workspaces: WorkspaceService;
  logs: LogStore;
}

export type { BackfillResult };

const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = Date.now();
  const r = await fn();
  return [r, (Date.now() - t0) / 1000];
};

/**
 * The aggressive backfill as one job made of the existing steps: sync → workspace aggregation →
 * embeddings → automatic verification. Each step checkpoints through the
 * same mechanisms as its own job, so pause, cancel, kill and resume work throughout.
 */
export function backfillJob(d: BackfillDeps): JobDefinition<typeof BackfillRequest> {
  return {
    kind: BACKFILL_JOB,
    title: 'Backfill repository',
    params: BackfillRequest,
    describe: (p) => `Backfill ${p.repository}${p.timeRangeDays ? ` (last ${p.timeRangeDays} days)` : p.mode === 'full' ? ' (full refresh)' : ''}${p.embeddingsOnly ? ', embeddings only' : p.skipEmbeddings ? ', no embeddings' : ''}`,
    steps: () => [...BACKFILL_STEPS],
    concurrencyKey: (p) => `repo:${p.repository.toLowerCase()}`,
    run: (ctx) => runBackfill(d, ctx),
  };
}

async function runBackfill(d: BackfillDeps, ctx: JobContext<BackfillRequest>) {
  const t0 = Date.now();
  const req = ctx.params;
  const skipped = [...(req.embeddingsOnly ? ['sync'] : []), ...(req.skipEmbeddings ? ['embeddings'] : [])];
  const steps = new StepProgress(ctx as JobContext<unknown>, [...BACKFILL_STEPS], skipped);
  const { pool } = await d.warehouse.connection();
  const sub = <P>(name: string, params: P): JobContext<P> => ({
    ...ctx,
    params,
    log: ctx.log.child({ component: name }),
    progress: steps.for(name),
    step: <T>(inner: string, fn: Parameters<JobContext<P>['step']>[1]) => ctx.step(`${name}:${inner}`, fn) as Promise<T>,
  });
  ctx.log.info('backfill_started', `Backfill of ${req.repository} started`, { request: req });

  // Each phase is a step of the run: done (with its times) when finished, skipped when left out,
  // and not repeated when a resumed run has already finished it.
  let syncResult: BackfillResult['steps']['sync'] = null;
  let reconciliation: Reconciliation | null = null;
  if (!req.embeddingsOnly) {
    steps.begin('sync');
    ({ syncResult, reconciliation } = await ctx.step('sync', async () => {
      const s = sub('sync', null);
      const syncReq = { repository: req.repository, mode: req.timeRangeDays ? ('range' as const) : req.mode, timeRangeDays: req.timeRangeDays };
      const [r, seconds] = await timed(() => d.sync.runWithin({ runId: ctx.runId, jobKind: BACKFILL_JOB, log: s.log, signal: ctx.signal, progress: s.progress, step: (name, fn) => s.step(name, () => fn()) }, syncReq));
      return { syncResult: { items: r.items, rowsWritten: r.rowsWritten, seconds, requests: r.github.requests, graphqlPoints: r.github.graphqlPoints }, reconciliation: r.reconciliation };
    }));
    steps.finish('sync');
  } else ctx.skipStep?.('sync');
  const repo = await d.sync.repository(req.repository);
  if (!repo) throw new Error(`${req.repository} is not tracked: run without "embeddings only" first`);

  // The workspace totals need only the warehouse's rows: they are refreshed as soon as the sync has
  // written them, before the long, budget-bound embedding step (which may stop the run), and away from
  // the index build that follows its flush (which slowed them by 1.2–2× on a 2-core host).
  steps.begin('aggregate');
  const aggLog = ctx.log.child({ component: 'aggregate' });
  // The start time is kept with the step: a resumed run checks against when this run aggregated.
  const { workspaces, aggSeconds, since } = await ctx.step('aggregate', async () => {
    const since = new Date().toISOString();
    // The statements the step needs and no read-backs (aggregate-probe.ts times the same reads).
    const [workspaces, aggSeconds] = await timed(async () => {
      for (const w of req.workspaces) {
        const ws = await d.workspaces.find(w).catch(async () => {
          aggLog.info('workspace_created', `Created workspace "${w}"`);
          return d.workspaces.create(w);
        });
        await d.workspaces.link(ws.id, repo.id);
      }
      return d.workspaces.totalsFor(repo.id);
    });
    return { workspaces, aggSeconds, since };
  });
  const aggregatedSince = new Date(since);
  aggLog.info('workspaces_aggregated', `Aggregated ${workspaces.length} workspace(s) in ${aggSeconds.toFixed(2)} s`, { workspaces });
  steps.finish('aggregate');

  let embedResult: BackfillResult['steps']['embeddings'] = null;
  if (!req.skipEmbeddings) {
    steps.begin('embeddings');
    embedResult = await ctx.step('embeddings', async () => {
      const [r, seconds] = await timed(() => d.embeddings.embedWithin(sub('embeddings', { repository: repo.fullName, only: ['issue', 'pr'] as ('issue' | 'pr')[], budgetOverride: req.budgetOverride }), BACKFILL_JOB));
      const parts = { setup: r.setupSeconds, plan: r.planSeconds, text: r.textSeconds, milvus: r.milvusSeconds, warehouse: r.warehouseSeconds, finish: r.finishSeconds };
      return { items: r.items, tokens: r.tokens, usd: r.usd, requests: r.requests, truncated: r.truncated, truncatedTokens: r.truncatedTokens, model: r.model, seconds, parts };
    });
    steps.finish('embeddings');
  } else ctx.skipStep?.('embeddings');

  steps.begin('verify');
  const [verification, verifySeconds] = await ctx.step('verify', () => timed(async () => {
    reconciliation ??= await d.sync.reconcile(repo, { signal: ctx.signal, log: ctx.log.child({ component: 'verify' }) });
    const collection = req.skipEmbeddings ? null : (await d.embeddings.vectorStore()).collection(d.embeddings.config().collection);
    return verifyBackfill({ pool, logs: d.logs, runId: ctx.runId, request: req, repositoryId: repo.id, repositoryGithubId: repo.githubId ?? -1, repository: repo.fullName, reconciliation, collection, aggregatedSince });
  }));
  steps.finish('verify');
  const vlog = ctx.log.child({ component: 'verify' });
  for (const item of verification.items) (item.state === 'fail' ? vlog.warn : vlog.info).call(vlog, 'verification_item', `${item.state.toUpperCase()} ${item.label}: ${item.evidence}`, { id: item.id, state: item.state });

  const result: BackfillResult = {
    request: req,
    repository: repo.fullName,
    steps: { sync: syncResult, embeddings: embedResult, aggregate: { seconds: aggSeconds, workspaces: workspaces.map((w) => ({ name: w.name, totalPullRequests: w.totalPullRequests, totalIssues: w.totalIssues, totalContributors: w.totalContributors })) }, verify: { seconds: verifySeconds } },
    verification,
    seconds: (Date.now() - t0) / 1000,
  };
  ctx.log.info('backfill_completed', `Backfill of ${repo.fullName} ${verification.ok ? 'verified' : 'INCOMPLETE'} in ${result.seconds.toFixed(1)} s`, { ok: verification.ok });
  return { status: verification.ok ? ('succeeded' as const) : ('incomplete' as const), result };
}
