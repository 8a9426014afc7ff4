import type { Feature } from '../core/feature.ts';
import { backfillJob } from './backfill-job.ts';
import { BackfillService } from './backfill-service.ts';
import { backfillHandlers } from './handlers.ts';

export const backfillFeature = {
  name: 'backfill',
  create(s) {
    const backfill = new BackfillService({ jobs: s.jobs, warehouse: s.warehouse, sync: s.sync, embeddings: s.embeddings, settings: s.settings, profiles: s.profiles, secrets: s.secrets, workspaces: s.workspaces });
    return {
      services: { backfill },
      jobs: [backfillJob({ warehouse: s.warehouse, sync: s.sync, embeddings: s.embeddings, workspaces: s.workspaces, logs: s.logStore })],
      handlers: () => backfillHandlers(backfill),
    };
  },
} satisfies Feature;
