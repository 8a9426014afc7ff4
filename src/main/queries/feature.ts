import type { Feature } from '../core/feature.ts';
import { queryHandlers } from './handlers.ts';
import { savedQueryStoreMigrations, SavedQueryService } from './saved-queries.ts';

export const queriesFeature = {
  name: 'queries',
  storeMigrations: savedQueryStoreMigrations,
  create(s) {
    const savedQueries = new SavedQueryService(s.db);
    return { services: { savedQueries }, handlers: () => queryHandlers(s.warehouse, savedQueries) };
  },
} satisfies Feature;
