import type { Feature } from '../core/feature.ts';
import { jobHandlers, jobTopicSources } from './handlers.ts';
import { JobService } from './job-service.ts';
import { jobStoreMigrations } from './store-migrations.ts';

export const jobsFeature = {
  name: 'jobs',
  storeMigrations: jobStoreMigrations,
  create(s) {
    const jobs = new JobService({ db: s.db, logger: s.logger, concurrency: () => s.settings.get().jobConcurrency });
    // Starting after every feature registered its jobs lets interrupted runs of any kind resume.
    return { services: { jobs }, handlers: () => jobHandlers(jobs), topics: () => jobTopicSources(jobs), start: () => jobs.start(), close: () => jobs.close() };
  },
} satisfies Feature;
