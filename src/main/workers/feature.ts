import type { Feature } from '../core/feature.ts';
import { VERSION } from '../core/version.ts';
import { workerMigrations } from './migrations.ts';
import { listRuns } from './shared-runs.ts';
import { WorkerService } from './worker-service.ts';

/**
 * Jobs on pg-boss in the warehouse. `repo-ops worker` joins as a worker; a console joins when
 * REPO_OPS_QUEUE=pg-boss (otherwise it keeps its in-process queue: one operator, nothing changes).
 */
export const workersFeature = {
  name: 'workers',
  warehouseMigrations: workerMigrations,
  create(s, { config }) {
    const workers = new WorkerService({ jobs: s.jobs, warehouse: s.warehouse, logger: s.logger.child({ component: 'queue' }), version: VERSION });
    const consoleJoins = (config.mode === 'serve' || config.mode === 'electron') && config.env.REPO_OPS_QUEUE === 'pg-boss';
    return {
      services: { workers },
      handlers: () => ({
        'workers.list': async () => ({ joined: workers.joined, ...(await workers.list()) }),
        'workers.runs': async ({ limit }) => (await listRuns(await s.warehouse.pool(), limit)).map(({ stopRequested: _s, updatedAt: _u, ...r }) => r),
      }),
      start: () => (consoleJoins ? workers.join({ work: true, concurrency: s.settings.get().jobConcurrency }).catch((e: Error) => s.logger.error('queue_join_failed', `Could not join the warehouse job queue: ${e.message}`)) : undefined),
      close: () => workers.close(),
    };
  },
} satisfies Feature;
