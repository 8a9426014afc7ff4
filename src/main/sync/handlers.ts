import type { HandlerGroup } from '../rpc/types.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { RepositoryRemoval } from './removal.ts';
import type { SyncService } from './sync-service.ts';

export function repoHandlers(sync: SyncService, warehouse: WarehouseService, removal: RepositoryRemoval): HandlerGroup<'repos' | 'warehouse'> {
  return {
    'warehouse.status': () => warehouse.info(),
    'repos.list': () => sync.list(),
    'repos.track': ({ repository }) => sync.track(repository),
    'repos.removalPreview': ({ id }) => removal.preview(id),
    'repos.untrack': async ({ id, deleteVectors }) => ({ ok: true as const, vectorsDeleted: await removal.remove(id, deleteVectors) }),
    'repos.sync': (req) => sync.start(req),
    'repos.plan': (req) => sync.plan(req),
    'repos.runs': ({ id, limit }) => sync.runs(id, limit),
  };
}
