import type { HandlerGroup } from '../rpc/types.ts';
import type { SettingsService } from './settings-service.ts';

export function settingsHandlers(settings: SettingsService): HandlerGroup<'settings'> {
  return {
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
  };
}
