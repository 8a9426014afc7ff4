import { SyncRequest } from '../../shared/contract/repos.ts';
import type { JobDefinition } from '../jobs/types.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { markSyncFailed } from './runner.ts';
import { SYNC_JOB, type SyncService } from './sync-service.ts';

/** The sync as a job: progress, cancel, resume from the last committed page. */
export function syncJob(sync: SyncService, warehouse: WarehouseService): JobDefinition<typeof SyncRequest> {
  return {
    kind: SYNC_JOB,
    title: 'Sync repository',
    params: SyncRequest,
    describe: (p) => `Sync ${p.repository} (${p.timeRangeDays ? `last ${p.timeRangeDays} days` : p.since || p.until ? 'time range' : p.mode})`,
    steps: () => ['pull_requests', 'issues', 'commits', 'releases'],
    concurrencyKey: (p) => `repo:${p.repository.toLowerCase()}`,
    async run(ctx) {
      try {
        const result = await sync.runWithin({ runId: ctx.runId, jobKind: SYNC_JOB, log: ctx.log, signal: ctx.signal, progress: ctx.progress, step: (name, fn) => ctx.step(name, () => fn()) }, ctx.params);
        return { status: result.reconciliation.ok ? 'succeeded' : 'incomplete', result };
      } catch (e) {
        const { pool } = await warehouse.connection();
        await markSyncFailed(pool, ctx.runId, e instanceof Error ? e.message : String(e), ctx.signal.aborted ? 'cancelled' : 'failed');
        throw e;
      }
    },
  };
}
