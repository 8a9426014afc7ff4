import { parseArgs } from 'node:util';
import { openCore } from '../context.ts';
import { paint, table, useColor } from '../output.ts';

export const healthUsage = `repo-ops health [--json] [--only postgres,github,…]
  Runs every health check of the active profile in parallel, each with its own timeout.
  Exit code: 0 healthy, 1 degraded, 2 down — for cron, like the runbooks' curl -f.
  --json prints the runbook's report shape ({status, timestamp, version, services}) plus each check.`;

const COLORS = { healthy: '32', degraded: '33', down: '31', unknown: '90' } as const;

export async function healthCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, only: { type: 'string' } } });
  const ctx = await openCore('cli');
  try {
    const run = await ctx.ops.health.run({ only: values.only?.split(',').map((s) => s.trim()).filter(Boolean) });
    if (values.json) process.stdout.write(JSON.stringify({ ...run.report, checks: run.results }, null, 2) + '\n');
    else {
      const color = useColor(process.stdout);
      const rows = [['SERVICE', 'STATUS', 'LATENCY', 'SUMMARY']];
      for (const r of run.results) rows.push([r.name, paint(r.status.toUpperCase(), COLORS[r.status], color), r.latencyMs === null ? '-' : `${Math.round(r.latencyMs)} ms`, r.summary]);
      process.stdout.write(table(rows) + '\n');
      for (const r of run.results) for (const f of r.findings.filter((x) => x.status !== 'healthy')) process.stdout.write(`  ${r.name}: ${f.message}${f.threshold ? ` [${f.threshold}]` : ''}\n`);
      process.stdout.write(`\nOverall: ${paint(run.report.status.toUpperCase(), COLORS[run.report.status], color)} (${Math.round(run.durationMs)} ms)\n`);
    }
    return run.report.status === 'healthy' ? 0 : run.report.status === 'degraded' ? 1 : 2;
  } finally {
    await ctx.close();
  }
}
