import { z } from 'zod';
import { call } from './define.ts';
import { id, isoTime, noInput, ok } from './common.ts';

export const Workspace = z.object({
  id,
  name: z.string(),
  slug: z.string(),
  repositories: z.array(z.string()),
  totalRepositories: z.number().int(),
  totalContributors: z.number().int(),
  totalPullRequests: z.number().int(),
  totalIssues: z.number().int(),
  lastAggregatedAt: isoTime.nullable(),
});
export type Workspace = z.infer<typeof Workspace>;

const name = z.string().trim().min(1, 'name is required').max(80);
const repository = z.string().trim().min(1).max(200);

export const workspaceCalls = {
  'workspaces.list': call('Workspaces with their repositories and aggregated totals', noInput, z.array(Workspace)),
  'workspaces.create': call('Create a workspace', z.object({ name }), Workspace),
  'workspaces.delete': call('Delete a workspace (repositories stay)', z.object({ id }), ok),
  'workspaces.addRepository': call('Add a tracked repository to a workspace', z.object({ workspaceId: id, repository }), Workspace),
  'workspaces.removeRepository': call('Remove a repository from a workspace', z.object({ workspaceId: id, repository }), Workspace),
  'workspaces.aggregate': call('Recompute workspace totals (every workspace, or those containing a repository)', z.object({ repository: repository.optional() }).default({}), z.array(Workspace)),
};
