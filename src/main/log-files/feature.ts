import { join } from 'node:path';
import type { Feature } from '../core/feature.ts';
import { defaultLogDirs } from './allowed-dirs.ts';
import { logFileHandlers, logFileTopicSources } from './handlers.ts';
import { logIndexJob } from './index-job.ts';
import { LogFileService } from './log-file-service.ts';

export const logFilesFeature = {
  name: 'log-files',
  create(s, { config }) {
    const logFiles = new LogFileService({ db: s.db, jobs: s.jobs, logger: s.logger.child({ component: 'log-files' }), cacheDir: join(config.home, 'cache', 'log-index'), remoteDirs: config.logDirs ?? defaultLogDirs(config.home) });
    return { services: { logFiles }, jobs: [logIndexJob(logFiles)], handlers: () => logFileHandlers(logFiles), topics: () => logFileTopicSources(logFiles), close: () => logFiles.closeAll() };
  },
} satisfies Feature;
