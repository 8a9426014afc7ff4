import type { Feature } from '../core/feature.ts';
import { systemHandlers, systemTopicSources } from './handlers.ts';
import { SYSTEMS_HEALTH_JOB, systemsHealthJob } from './health-job.ts';
import { systemStoreMigrations } from './store-migrations.ts';
import { SystemService } from './system-service.ts';

export const systemsFeature = {
  name: 'systems',
  storeMigrations: systemStoreMigrations,
  create(s, { config }) {
    const systems = new SystemService({ db: s.db, secrets: s.secrets, settings: s.settings, logger: s.logger.child({ component: 'systems' }), redactor: s.redactor });
    return {
      services: { systems },
      jobs: [systemsHealthJob(systems)],
      schedulePresets: [
        { id: 'systems-health-every-5-minutes', title: 'Health of every system every 5 minutes', kind: SYSTEMS_HEALTH_JOB, params: {}, cron: '*/5 * * * *', startingDeadlineSeconds: 240, source: 'What the Repo: */5 * * * * curl -f https://your-app.railway.app/ || echo "Application down" | mail …' },
        { id: 'systems-health-every-4-hours', title: 'Health of every system every 4 hours (pgGit daily operations)', kind: SYSTEMS_HEALTH_JOB, params: {}, cron: '0 */4 * * *', startingDeadlineSeconds: 1800, source: 'pgGit: "Perform health checks every 4 hours" (the daily health check script)' },
      ],
      handlers: () => systemHandlers(systems),
      topics: () => systemTopicSources(systems),
      // Scheduled health of every system belongs to the long-running console.
      start: () => (config.mode === 'serve' || config.mode === 'electron' ? systems.startScheduler() : undefined),
      close: () => systems.stop(),
    };
  },
} satisfies Feature;
