import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const costsUsage = `repo-ops costs report [--json]                     the daily budget report (yesterday, today, month to date, forecast, budgets)
repo-ops costs summary [--by day|month|category|repository|job|model] [--from DATE] [--to DATE] [--json]
repo-ops costs export [--from DATE] [--to DATE] [--out FILE]     the ledger as CSV (stdout without --out)
repo-ops costs budgets [--json]                    budgets with their utilisation now
repo-ops costs send-report [--channel ID]...       queue the budget report job for channels`;

const BY = ['day', 'month', 'category', 'repository', 'job', 'model'] as const;
const date = (v: string | undefined, flag: string) => {
  if (v === undefined) return undefined;
  if (!Number.isFinite(Date.parse(v))) throw new UsageError(`${flag} takes a date such as 2026-01-31, got "${v}"`);
  return new Date(v).toISOString();
};

export async function costsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, by: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, channel: { type: 'string', multiple: true } },
  });
  const [sub] = positionals;
  const subs = ['report', 'summary', 'export', 'budgets', 'send-report'];
  if (!sub || !subs.includes(sub)) throw new UsageError(`give one of: ${subs.join(', ')}`);
  const by = (values.by ?? 'day') as (typeof BY)[number];
  if (!BY.includes(by)) throw new UsageError(`--by takes ${BY.join(', ')}, got "${values.by}"`);
  const range = { from: date(values.from, '--from'), to: date(values.to, '--to') };
  const ctx = await openCore('cli');
  try {
    const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');
    switch (sub) {
      case 'report': {
        const r = await ctx.ops.costs.report();
        if (values.json) out(r);
        else process.stdout.write(r.text + '\n');
        return r.budgets.some((b) => b.level === 'exceeded') ? 3 : 0;
      }
      case 'summary': {
        const rows = await ctx.ops.costs.summary({ by, ...range });
        if (values.json) return (out(rows), 0);
        process.stdout.write(table([[by.toUpperCase(), 'USD', 'TOKENS', 'GITHUB POINTS', 'REQUESTS', 'RUNS'], ...rows.map((r) => [r.key, `$${r.usd.toFixed(4)}`, (r.inputTokens + r.outputTokens).toLocaleString('en-US'), r.points.toLocaleString('en-US'), String(r.requests), String(r.runs)])]) + '\n');
        return 0;
      }
      case 'export': {
        const r = await ctx.ops.costs.export(range);
        if (values.out) {
          writeFileSync(values.out, r.csv);
          process.stderr.write(`${r.rows} ledger entries written to ${values.out}\n`);
        } else process.stdout.write(r.csv);
        return 0;
      }
      case 'budgets': {
        const rows = await ctx.ops.budgets.list();
        if (values.json) return (out(rows), 0);
        if (!rows.length) process.stdout.write('No budgets: add them in Settings → Budgets (or apply the runbook presets there).\n');
        else process.stdout.write(table([['NAME', 'PERIOD', 'CAP', 'USED', 'UTILISATION', 'LEVEL', 'ENFORCED'], ...rows.map((b) => [`${b.name}${b.repository ? ` (${b.repository})` : ''}`, b.period, String(b.cap), String(Math.round(b.used * 1e4) / 1e4), `${Math.round(b.utilisation * 100)}%`, b.level, b.enforce ? 'yes' : 'alert only'])]) + '\n');
        return rows.some((b) => b.level === 'exceeded') ? 3 : 0;
      }
      case 'send-report': {
        const { runId } = await ctx.ops.costs.sendReport({ channels: values.channel });
        const run = await ctx.core.jobs.wait(runId);
        process.stdout.write(run.status === 'succeeded' ? `Budget report sent to ${((run.result as { sentTo: string[] }).sentTo ?? []).join(', ') || 'no channel (none routed for P4)'}.\n` : `Budget report ${run.status}: ${run.error}\n`);
        return run.status === 'succeeded' ? 0 : 1;
      }
    }
    return 2;
  } finally {
    await ctx.close();
  }
}
