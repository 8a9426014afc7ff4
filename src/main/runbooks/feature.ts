import type { Feature } from '../core/feature.ts';
import { runbookHandlers } from './handlers.ts';
import { RunbookService } from './runbook-service.ts';
import { runbookStoreMigrations } from './store-migrations.ts';

export const runbooksFeature = {
  name: 'runbooks',
  storeMigrations: runbookStoreMigrations,
  create(s, { config }) {
    const runbooks = new RunbookService({ db: s.db, health: s.health, warehouse: s.warehouse, profiles: s.profiles, secrets: s.secrets, embeddings: s.embeddings, logger: s.logger.child({ component: 'runbooks' }), home: config.home });
    return { services: { runbooks }, handlers: () => runbookHandlers(runbooks) };
  },
} satisfies Feature;
