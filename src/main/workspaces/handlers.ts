import type { HandlerGroup } from '../rpc/types.ts';
import type { WorkspaceService } from './workspace-service.ts';

export function workspaceHandlers(ws: WorkspaceService): HandlerGroup<'workspaces'> {
  return {
    'workspaces.list': () => ws.list(),
    'workspaces.create': ({ name }) => ws.create(name),
    'workspaces.delete': async ({ id }) => {
      await ws.delete(id);
      return { ok: true as const };
    },
    'workspaces.addRepository': ({ workspaceId, repository }) => ws.addRepository(workspaceId, repository),
    'workspaces.removeRepository': ({ workspaceId, repository }) => ws.removeRepository(workspaceId, repository),
    'workspaces.aggregate': ({ repository }) => ws.aggregate(repository),
  };
}
