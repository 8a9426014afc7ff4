import { consistentRun } from '../../shared/progress.ts';
import type { HandlerGroup, TopicSources } from '../rpc/types.ts';
import type { JobService } from './job-service.ts';

export function jobHandlers(jobs: JobService): HandlerGroup<'jobs'> {
  return {
    'jobs.list': (filter) => jobs.list(filter).map(consistentRun),
    'jobs.get': ({ runId }) => consistentRun(jobs.get(runId)),
    'jobs.cancel': async ({ runId }) => consistentRun(await jobs.cancel(runId)),
    'jobs.pause': async ({ runId }) => consistentRun(await jobs.cancel(runId, { pause: true })),
    'jobs.resume': async ({ runId }) => consistentRun(await jobs.resume(runId)),
    'jobs.rerun': async ({ runId, fromStep }) => consistentRun(await jobs.rerun(runId, fromStep)),
    'jobs.kinds': () => jobs.kinds(),
  };
}

export function jobTopicSources(jobs: JobService): Pick<TopicSources, 'jobs.changed'> {
  return {
    'jobs.changed': (filter, emit) => jobs.onChange((run) => (!filter.runId || run.id === filter.runId) && emit(consistentRun(run))),
  };
}
