import { z } from 'zod';
import { call } from './define.ts';
import { isoTime, noInput } from './common.ts';
import { JobRun } from './jobs.ts';

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
  'workers.runs': call('Runs on the warehouse queue, every worker’s, newest first', z.object({ limit: z.number().int().min(1).max(1000).default(100) }).default({ limit: 100 }), z.array(JobRun.extend({ worker: z.string().nullable() }))),
  'workers.list': call(
    'Workers on the warehouse queue (host, version, kinds, concurrency, current jobs, heartbeat age) and queue depth per kind',
    noInput,
    z.object({
      /** This process takes part in the warehouse queue (else: its own in-process queue). */
      joined: z.boolean(),
      workers: z.array(WorkerInfo),
      queues: z.array(z.object({ kind: z.string(), queued: z.number().int(), active: z.number().int(), oldestQueuedSeconds: z.number().nullable() })),
      /** How far behind the warehouse this console's live copies of other workers' runs were (last 500 updates). */
      replication: z.object({ samples: z.number().int(), p95Ms: z.number().nullable(), maxMs: z.number().nullable() }),
    }),
  ),
};
