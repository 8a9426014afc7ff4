import type { Feature } from '../core/feature.ts';
import { logHandlers, logTopicSources } from './handlers.ts';

const RETENTION_EVERY_MS = 60 * 60 * 1000;

/** The app's own logs: calls, the live feed and retention (the store and logger are the root's). */
export const logsFeature = {
  name: 'logs',
  create(s) {
    let retention: NodeJS.Timeout | undefined;
    const prune = () => {
      const removed = s.logStore.prune(s.settings.get().logRetentionDays);
      if (removed) s.logger.info('logs_pruned', `Removed ${removed} log lines past retention`, { removed });
    };
    return {
      handlers: () => logHandlers(s.logStore, s.settings),
      topics: () => logTopicSources(s.logStore),
      start() {
        prune();
        retention = setInterval(prune, RETENTION_EVERY_MS);
        retention.unref();
      },
      close: () => clearInterval(retention),
    };
  },
} satisfies Feature;
