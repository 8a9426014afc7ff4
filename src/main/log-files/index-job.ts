import { z } from 'zod';
import type { JobDefinition } from '../jobs/types.ts';
import { LOG_INDEX_JOB, type LogFileService } from './log-file-service.ts';

const Params = z.object({ path: z.string().min(1) });

/** Indexing a log file as a job: progress in bytes, cancel, resume from the index's checkpoint. */
export function logIndexJob(files: LogFileService): JobDefinition<typeof Params> {
  return {
    kind: LOG_INDEX_JOB,
    title: 'Index log file',
    params: Params,
    describe: (p) => `Index ${p.path}`,
    steps: () => ['index'],
    concurrencyKey: (p) => p.path,
    autoResume: true,
    async run(ctx) {
      const result = await ctx.step('index', (checkpoint) => {
        if (checkpoint.value) ctx.log.info('index_resumed', 'Resuming from checkpoint', { checkpoint: checkpoint.value });
        return files.runIndex(ctx.params.path, ctx.runId, {
          signal: ctx.signal,
          onProgress: (p) => ctx.progress({ done: p.indexedBytes, total: p.fileSize, unit: 'bytes', extra: { lines: p.lines } }),
          onCheckpoint: (c) => checkpoint.save(c),
        });
      });
      ctx.log.info('index_completed', `Indexed ${result.lines} lines`, result);
      return { result };
    },
  };
}
