import type { HandlerGroup } from '../rpc/types.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { SyncService } from './sync-service.ts';

export function repoHandlers(sync: SyncService, warehouse: WarehouseService): HandlerGroup<'repos' | 'warehouse'> {
  return {
    'warehouse.status': () => warehouse.info(),
    'repos.list': () => sync.list(),
    'repos.track': ({ repository }) => sync.track(repository),
    'repos.untrack': async ({ id }) => {
      await sync.untrack(id);
      return { ok: true as const };
    },
    'repos.sync': (req) => sync.start(req),
    'repos.plan': (req) => sync.plan(req),
    'repos.runs': ({ id, limit }) => sync.runs(id, limit),
  };
}
