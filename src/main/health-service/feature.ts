import type { Feature } from '../core/feature.ts';
import { healthHandlers, healthTopicSources } from './handlers.ts';
import { HealthService } from './health-service.ts';

export const healthFeature = {
  name: 'health',
  create(s, { config }) {
    const health = new HealthService({ db: s.db, profiles: s.profiles, secrets: s.secrets, settings: s.settings, warehouse: s.warehouse, logger: s.logger.child({ component: 'health' }) });
    return {
      services: { health },
      handlers: () => healthHandlers(health),
      topics: () => healthTopicSources(health),
      // Scheduled checks belong to the long-running console, not to one-shot CLI commands.
      start: () => (config.mode === 'serve' || config.mode === 'electron' ? health.startScheduler() : undefined),
      close: () => health.stop(),
    };
  },
} satisfies Feature;
