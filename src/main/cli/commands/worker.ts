import { parseArgs } from 'node:util';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { stopSignal } from '../stop-signal.ts';
import { UsageError } from '../usage-error.ts';

export const workerUsage = `repo-ops worker [--concurrency N] [--kinds sync,embed,…]
  Joins the job queue in the warehouse (pg-boss, schema <warehouse schema>_queue) and runs its jobs until
  stopped (Ctrl-C / SIGTERM: running jobs checkpoint and go back to the queue). Also keeps the schedules.
  The warehouse is the profile's Postgres URL (or DATABASE_URL).
repo-ops worker list [--json]      workers (host, version, kinds, concurrency, current jobs, heartbeat age) and queue depth`;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { concurrency: { type: 'string' }, kinds: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals[0] === 'list') {
    const ctx = await openCore('cli');
    try {
      const r = await ctx.ops.workers.list();
      if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        process.stdout.write(table([['WORKER', 'VERSION', 'KINDS', 'CONC', 'HEARTBEAT', 'STATE', 'RUNNING'], ...r.workers.map((w) => [w.id, w.version, w.kinds.join(','), String(w.concurrency), `${w.heartbeatAgeSeconds} s ago`, w.alive ? 'up' : 'gone', w.currentRuns.map((x) => x.title).join('; ') || '—'])]) + '\n');
      }
      return 0;
    } finally {
      await ctx.close();
    }
  }
  if (positionals.length) throw new UsageError(`unexpected "${positionals[0]}"`);
  const concurrency = values.concurrency === undefined ? 2 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency takes a whole number from 1 to 64, got "${values.concurrency}"`);
  const kinds = values.kinds?.split(',').map((k) => k.trim()).filter(Boolean);
  const stopped = stopSignal();
  const ctx = await openCore('cli', { env: { REPO_OPS_SCHEDULER: '1' } });
  try {
    await ctx.core.workers.join({ work: true, concurrency, kinds, watch: false });
    await ctx.core.warehouse.pool();
    process.stderr.write(`Worker ${ctx.core.workers.id} running ${kinds?.join(', ') ?? 'every job kind'} (${concurrency} at once per kind); Ctrl-C to stop.\n`);
    await stopped;
    process.stderr.write('Stopping: running jobs checkpoint and return to the queue…\n');
    return 0;
  } finally {
    await ctx.close();
  }
}
