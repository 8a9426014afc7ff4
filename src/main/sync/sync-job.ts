import { SyncRequest } from '../../shared/contract/repos.ts';
import type { JobDefinition } from '../jobs/types.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { BudgetService } from '../costs/budget-service.ts';
import type { CostService } from '../costs/cost-service.ts';
import { githubSpend } from './spend.ts';
import { markSyncFailed, runSync } from './runner.ts';
import { SYNC_JOB, type SyncService } from './sync-service.ts';

/** The sync as a job: progress, cancel, resume from the last committed page. */
export function syncJob(sync: SyncService, warehouse: WarehouseService, costs?: { budgets: BudgetService; costs: CostService }): JobDefinition<typeof SyncRequest> {
  return {
    kind: SYNC_JOB,
    title: 'Sync repository',
    params: SyncRequest,
    describe: (p) => `Sync ${p.repository} (${p.timeRangeDays ? `last ${p.timeRangeDays} days` : p.since || p.until ? 'time range' : p.mode})`,
    steps: () => ['pull_requests', 'issues', 'commits', 'releases'],
    concurrencyKey: (p) => `repo:${p.repository.toLowerCase()}`,
    async run(ctx) {
      const { pool, url } = await warehouse.connection();
      const github = await sync.github({ signal: ctx.signal, logger: ctx.log, onWait: (reason) => ctx.progress({ message: reason }) });
      try {
        const spend = costs ? (repository: string) => githubSpend(costs, { runId: ctx.runId, jobKind: SYNC_JOB, repository, github }) : undefined;
        const result = await runSync({ runId: ctx.runId, pool, url, github, log: ctx.log, signal: ctx.signal, progress: ctx.progress, step: (name, fn) => ctx.step(name, () => fn()), spend }, ctx.params);
        return { status: result.reconciliation.ok ? 'succeeded' : 'incomplete', result };
      } catch (e) {
        await markSyncFailed(pool, ctx.runId, e instanceof Error ? e.message : String(e), ctx.signal.aborted ? 'cancelled' : 'failed');
        throw e;
      }
    },
  };
}
