import type { Feature } from '../core/feature.ts';
import { workspaceHandlers } from './handlers.ts';
import { WorkspaceService } from './workspace-service.ts';

export const workspacesFeature = {
  name: 'workspaces',
  create(s) {
    const workspaces = new WorkspaceService(s.warehouse, s.sync);
    return { services: { workspaces }, handlers: () => workspaceHandlers(workspaces) };
  },
} satisfies Feature;
