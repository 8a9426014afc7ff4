import type { Feature } from '../core/feature.ts';
import { settingsHandlers } from './handlers.ts';
import { SettingsService } from './settings-service.ts';
import { uiStateHandlers } from './ui-state-handlers.ts';

export const settingsFeature = {
  name: 'settings',
  create(s) {
    const settings = new SettingsService(s.db);
    return { services: { settings }, handlers: () => ({ ...settingsHandlers(settings), ...uiStateHandlers(s.db) }) };
  },
} satisfies Feature;
