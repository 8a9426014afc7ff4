import { parseArgs } from 'node:util';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const jobsUsage = `repo-ops jobs list [--all-workers] [--limit N] [--json]
  Job runs, newest first: this machine's, or with --all-workers every worker's on the warehouse queue.`;

export async function jobsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'all-workers': { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals[0] !== 'list') throw new UsageError('give: list');
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit takes a whole number from 1 to 1000, got "${values.limit}"`);
  const ctx = await openCore('cli');
  try {
    const runs = values['all-workers'] ? await ctx.ops.workers.runs({ limit }) : (await ctx.ops.jobs.list({ limit })).map((r) => ({ ...r, worker: null }));
    if (values.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
    else
      process.stdout.write(
        table([['RUN', 'KIND', 'STATUS', 'PROGRESS', 'WORKER', 'CREATED', 'TITLE'], ...runs.map((r) => [r.id.slice(0, 8), r.kind, r.status, r.progress.total ? `${r.progress.done}/${r.progress.total}` : String(r.progress.done), r.worker ?? '—', r.createdAt.slice(0, 19).replace('T', ' '), r.title])]) + '\n',
      );
    return 0;
  } finally {
    await ctx.close();
  }
}
