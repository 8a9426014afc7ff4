import { z } from 'zod';
import type { JobDefinition } from '../jobs/types.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { SyncService } from './sync-service.ts';

export const SYNC_STALE_JOB = 'sync-stale';

const Params = z.object({
  /** Tracked repositories not synced for this many hours (0: every tracked repository). */
  staleHours: z.number().int().min(0).max(24 * 3650).default(24),
  mode: z.enum(['incremental', 'full']).default('incremental'),
});

/** The Leaderboard's `refresh_stale_repositories`: one sync per tracked repository gone stale (each its own job, one per repository at a time). */
export function syncStaleJob(sync: SyncService, warehouse: WarehouseService): JobDefinition<typeof Params> {
  return {
    kind: SYNC_STALE_JOB,
    title: 'Sync stale repositories',
    params: Params,
    describe: (p) => (p.staleHours ? `${p.mode === 'full' ? 'Full refresh' : 'Sync'} of repositories not synced in ${p.staleHours} h` : `${p.mode === 'full' ? 'Full refresh' : 'Sync'} of every tracked repository`),
    async run(ctx) {
      const { pool } = await warehouse.connection();
      const { rows } = await pool.query<{ full_name: string }>('SELECT full_name FROM repositories WHERE last_synced_at IS NULL OR last_synced_at < now() - make_interval(hours => $1) ORDER BY last_synced_at NULLS FIRST, full_name', [ctx.params.staleHours]);
      ctx.progress({ done: 0, total: rows.length, unit: 'repositories' });
      const started: string[] = [];
      for (const [i, r] of rows.entries()) {
        ctx.throwIfCancelled();
        const run = await sync.start({ repository: r.full_name, mode: ctx.params.mode });
        started.push(run.id);
        ctx.progress({ done: i + 1, message: r.full_name });
      }
      ctx.log.info('sync_stale_started', `${rows.length} stale repositories queued for sync`);
      return { result: { repositories: rows.map((r) => r.full_name), runs: started } };
    },
  };
}
