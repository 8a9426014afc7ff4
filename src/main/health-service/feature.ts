import type { Feature } from '../core/feature.ts';
import { healthHandlers, healthTopicSources } from './handlers.ts';
import { HEALTH_JOB, healthJob } from './health-job.ts';
import { HealthService } from './health-service.ts';

export const healthFeature = {
  name: 'health',
  create(s, { config }) {
    const health = new HealthService({ db: s.db, profiles: s.profiles, secrets: s.secrets, settings: s.settings, warehouse: s.warehouse, logger: s.logger.child({ component: 'health' }) });
    return {
      services: { health },
      jobs: [healthJob(health)],
      schedulePresets: [{ id: 'health-every-5-minutes', title: 'Health checks every 5 minutes', kind: HEALTH_JOB, params: {}, cron: '*/5 * * * *', startingDeadlineSeconds: 240, source: 'What the Repo: */5 * * * * curl -f https://your-app.railway.app/ || echo "Application down" | mail -s "What the Repo Alert" admin@example.com' }],
      handlers: () => healthHandlers(health),
      topics: () => healthTopicSources(health),
      // Scheduled checks belong to the long-running console, not to one-shot CLI commands.
      start: () => (config.mode === 'serve' || config.mode === 'electron' ? health.startScheduler() : undefined),
      close: () => health.stop(),
    };
  },
} satisfies Feature;
