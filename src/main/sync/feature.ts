import type { Feature } from '../core/feature.ts';
import { repoHandlers } from './handlers.ts';
import { syncJob } from './sync-job.ts';
import { SyncService } from './sync-service.ts';

export const syncFeature = {
  name: 'sync',
  create(s) {
    const sync = new SyncService({ warehouse: s.warehouse, profiles: s.profiles, secrets: s.secrets, jobs: s.jobs, logger: s.logger.child({ component: 'sync' }) });
    return { services: { sync }, jobs: [syncJob(sync, s.warehouse, { budgets: s.budgets, costs: s.costs })], handlers: () => repoHandlers(sync, s.warehouse) };
  },
} satisfies Feature;
