import { z } from 'zod';
import { call } from './define.ts';
import { isoTime, noInput } from './common.ts';

export const WorkerInfo = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  version: z.string(),
  kinds: z.array(z.string()),
  concurrency: z.number().int(),
  startedAt: isoTime,
  heartbeatAgeSeconds: z.number(),
  alive: z.boolean(),
  currentRuns: z.array(z.object({ id: z.string(), title: z.string(), kind: z.string() })),
});

export const workerCalls = {
  'workers.list': call(
    'Workers on the warehouse queue (host, version, kinds, concurrency, current jobs, heartbeat age) and queue depth per kind',
    noInput,
    z.object({ joined: z.boolean(), workers: z.array(WorkerInfo), queues: z.array(z.object({ kind: z.string(), queued: z.number().int(), active: z.number().int() })) }),
  ),
};
