import type { HandlerGroup } from '../rpc/types.ts';
import type { JobQueue } from '../jobs/types.ts';
import { RECREATE_JOB, RELOAD_JOB, type EmbeddingService } from './embedding-service.ts';

export function embeddingHandlers(svc: EmbeddingService, jobs: JobQueue): HandlerGroup<'embed' | 'vectors'> {
  return {
    'embed.plan': (req) => svc.plan(req),
    'embed.start': (req) => svc.start(req),
    'embed.costs': ({ limit }) => svc.costs(limit),
    'vectors.search': (q) => svc.search(q),
    'vectors.collections': () => svc.collections(),
    'vectors.recreate': () => jobs.enqueue(RECREATE_JOB, { collection: svc.config().collection }),
    'vectors.orphans': () => svc.orphans(),
    'vectors.deleteOrphans': () => svc.deleteOrphans(),
    'vectors.reload': ({ repository }) => jobs.enqueue(RELOAD_JOB, { repository }, { dedupe: true }),
  };
}
