import type { Feature } from '../core/feature.ts';
import { repoHandlers } from './handlers.ts';
import { SYNC_STALE_JOB, syncStaleJob } from './stale-job.ts';
import { syncMigrations } from './migrations.ts';
import { RepositoryRemoval } from './removal.ts';
import { syncJob } from './sync-job.ts';
import { SyncService } from './sync-service.ts';

export const syncFeature = {
  name: 'sync',
  warehouseMigrations: syncMigrations,
  create(s) {
    const gate = (apiUrl: string, token: string) => {
      const o = s.settings.get();
      return s.rateBudgets.gate('github', `${apiUrl}\n${token}`, { concurrent: o.githubConcurrentRequests, perMinute: { 'rest/min': o.githubRestPointsPerMinute, 'graphql/min': o.githubGraphqlPointsPerMinute } });
    };
    const sync = new SyncService({ warehouse: s.warehouse, profiles: s.profiles, secrets: s.secrets, jobs: s.jobs, logger: s.logger.child({ component: 'sync' }), gate, costs: { budgets: s.budgets, costs: s.costs } });
    return {
      services: { sync },
      jobs: [syncJob(sync, s.warehouse), syncStaleJob(sync, s.warehouse)],
      handlers: (all) => repoHandlers(sync, s.warehouse, new RepositoryRemoval(sync, () => all.embeddings, s.logger.child({ component: 'sync' }))),
      schedulePresets: [
        { id: 'wtr-monthly-collection', title: 'Monthly data collection (full refresh of every tracked repository)', kind: SYNC_STALE_JOB, params: { staleHours: 0, mode: 'full' }, cron: '0 1 1 * *', source: 'What the Repo: 0 1 1 * * cd …/git_data_download && python github_pr_collector.py --repo your-org/your-repo …' },
      ],
    };
  },
} satisfies Feature;
