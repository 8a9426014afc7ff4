import { parseArgs } from 'node:util';
import type { Reconciliation } from '../../../shared/contract/repos.ts';
import { openCore } from '../context.ts';
import { followJob } from '../progress.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const syncUsage = `repo-ops sync <owner/name> [--full-refresh] [--time-range DAYS] [--since DATE] [--until DATE] [--dry-run] [--json]
  Copies pull requests, issues, reviews, comments, files and contributors into the warehouse.
  Default: incremental (what changed since the last complete run; everything the first time).
  Exit codes: 0 complete and matching GitHub, 1 failed, 2 usage, 3 finished but differs from GitHub.`;

export async function syncCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'full-refresh': { type: 'boolean' }, 'time-range': { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one repository, as owner/name');
  let timeRangeDays: number | undefined;
  if (values['time-range'] !== undefined) {
    timeRangeDays = Number(values['time-range']);
    if (!Number.isInteger(timeRangeDays) || timeRangeDays < 1) throw new UsageError(`--time-range must be a whole number of days, got "${values['time-range']}"`);
  }
  const req = { repository: positionals[0]!, mode: values['full-refresh'] ? ('full' as const) : ('incremental' as const), timeRangeDays, since: values.since, until: values.until };
  const ctx = await openCore('cli');
  try {
    if (values['dry-run']) {
      const plan = await ctx.ops.repos.plan(req);
      if (values.json) process.stdout.write(JSON.stringify(plan, null, 2) + '\n');
      else {
        process.stdout.write(`Dry run for ${plan.repository} (${plan.mode}${plan.window.since ? `, created since ${plan.window.since}` : ''}${plan.window.until ? ` until ${plan.window.until}` : ''}) — nothing written\n`);
        process.stdout.write(table([['pull requests', String(plan.pullRequests)], ['issues', String(plan.issues)], ['requests (est.)', String(plan.estimatedRequests)], ['GraphQL points (est.)', String(plan.estimatedPoints)], ['GraphQL points left', String(plan.rateLimit.graphqlRemaining ?? 'unknown')]]) + '\n');
        process.stdout.write(`${plan.note}\n`);
      }
      return 0;
    }
    const run = await ctx.ops.repos.sync(req);
    const done = await followJob({
      ops: ctx.ops,
      run,
      extras: (x) => [x.requests !== undefined ? `${x.requests} req` : '', x.graphqlPoints !== undefined ? `${x.graphqlPoints} pts` : '', x.rateRemaining !== null && x.rateRemaining !== undefined ? `${x.rateRemaining} left` : ''].filter(Boolean).join(' · '),
    });
    const result = done.result as { reconciliation?: Reconciliation; rowsWritten?: number; github?: { requests: number; graphqlPoints: number }; seconds?: number } | null;
    if (values.json) process.stdout.write(JSON.stringify(done, null, 2) + '\n');
    else if (result?.reconciliation) {
      const r = result.reconciliation;
      process.stdout.write(`${done.status === 'succeeded' ? 'Complete' : 'INCOMPLETE'}: ${positionals[0]} in ${result.seconds?.toFixed(1)} s, ${result.rowsWritten} rows, ${result.github?.requests} requests, ${result.github?.graphqlPoints} GraphQL points\n`);
      process.stdout.write(table([
        ['', 'GitHub', 'warehouse', ''],
        ['pull requests', String(r.pullRequests.github), String(r.pullRequests.stored), r.pullRequests.match ? 'ok' : 'MISMATCH'],
        ['issues', String(r.issues.github), String(r.issues.stored), r.issues.match ? 'ok' : 'MISMATCH'],
        ...(r.commits ? [['commits', String(r.commits.github), String(r.commits.stored), r.commits.match ? 'ok' : 'MISMATCH']] : []),
        ...(r.releases ? [['releases', String(r.releases.github), String(r.releases.stored), r.releases.match ? 'ok' : 'MISMATCH']] : []),
        ['nested gaps', '0', String(r.nestedGaps), r.nestedGaps ? 'MISMATCH' : 'ok'],
      ]) + '\n');
    } else process.stderr.write(`Sync ${done.status}: ${done.error ?? ''}\n`);
    return done.status === 'succeeded' ? 0 : done.status === 'incomplete' ? 3 : 1;
  } finally {
    await ctx.close();
  }
}
