import type { HandlerGroup, TopicSources } from '../rpc/types.ts';
import type { JobService } from './job-service.ts';

export function jobHandlers(jobs: JobService): HandlerGroup<'jobs'> {
  return {
    'jobs.list': (filter) => jobs.list(filter),
    'jobs.get': ({ runId }) => jobs.get(runId),
    'jobs.cancel': ({ runId }) => jobs.cancel(runId),
    'jobs.pause': ({ runId }) => jobs.cancel(runId, { pause: true }),
    'jobs.resume': ({ runId }) => jobs.resume(runId),
    'jobs.kinds': () => jobs.kinds(),
  };
}

export function jobTopicSources(jobs: JobService): Pick<TopicSources, 'jobs.changed'> {
  return {
    'jobs.changed': (filter, emit) => jobs.onChange((run) => (!filter.runId || run.id === filter.runId) && emit(run)),
  };
}
