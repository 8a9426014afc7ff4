import type { Feature } from '../core/feature.ts';
import { systemHandlers, systemTopicSources } from './handlers.ts';
import { systemStoreMigrations } from './store-migrations.ts';
import { SystemService } from './system-service.ts';

export const systemsFeature = {
  name: 'systems',
  storeMigrations: systemStoreMigrations,
  create(s, { config }) {
    const systems = new SystemService({ db: s.db, secrets: s.secrets, settings: s.settings, logger: s.logger.child({ component: 'systems' }) });
    return {
      services: { systems },
      handlers: () => systemHandlers(systems),
      topics: () => systemTopicSources(systems),
      // Scheduled health of every system belongs to the long-running console.
      start: () => (config.mode === 'serve' || config.mode === 'electron' ? systems.startScheduler() : undefined),
      close: () => systems.stop(),
    };
  },
} satisfies Feature;
