// A BullMQ queue inspector built on bullmq's own Queue API: counts per state, failed jobs with
// their reasons, stalled jobs (active without a live lock), and retry / clean / pause / resume.
import { Queue } from 'bullmq';
import { OpsError } from '../../shared/errors.ts';
import { redisTarget } from '../health/redis.ts';

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

export interface QueueCounts {
  queue: string;
  paused: boolean;
  counts: Record<string, number>;
  stalled: number;
}

/** Opens the queues, runs fn, always closes them (the console keeps no connection to a team's Redis). */
export async function withQueues<T>(url: string, prefix: string, names: readonly string[], fn: (queues: Queue[], lockExists: (q: Queue, id: string) => Promise<boolean>) => Promise<T>): Promise<T> {
  if (!names.length) throw new OpsError('invalid_input', 'queues: the system lists no BullMQ queue names (AutoDevOps: analysis, sync, ci_generation)', { field: 'queues' });
  const connection = { url, maxRetriesPerRequest: 1, connectTimeout: 3_000, enableOfflineQueue: false, retryStrategy: () => null, lazyConnect: false };
  const queues = names.map((n) => new Queue(n, { connection, prefix, skipWaitingForReady: false }));
  for (const q of queues) q.on('error', () => {});
  const { Redis } = await import('ioredis');
  const raw = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 3_000, retryStrategy: () => null, lazyConnect: true });
  raw.on('error', () => {});
  try {
    await raw.connect().catch((e: Error) => {
      throw new OpsError('unavailable', `Redis at ${redisTarget(url)} is unreachable: ${e.message}`);
    });
    return await fn(queues, async (q, id) => (await raw.exists(`${q.toKey(id)}:lock`)) === 1);
  } finally {
    raw.disconnect();
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  }
}

export async function queueCounts(q: Queue, lockExists: (q: Queue, id: string) => Promise<boolean>): Promise<QueueCounts> {
  const counts = (await q.getJobCounts(...QUEUE_STATES)) as Record<string, number>;
  let stalled = 0;
  if ((counts.active ?? 0) > 0) {
    const active = await q.getJobs(['active'], 0, 999);
    for (const j of active) if (j.id && !(await lockExists(q, j.id))) stalled++;
  }
  return { queue: q.name, paused: await q.isPaused(), counts, stalled };
}
