import { parseArgs } from 'node:util';
import { openCore } from '../context.ts';
import type { OpsApi } from '../../../shared/rpc/api.ts';
import { paint, table, useColor } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const healthUsage = `repo-ops health [--json] [--only postgres,github,…] [--system NAME … | --all]
  Runs every health check of the active profile in parallel, each with its own timeout.
  --system NAME (repeatable) or --all: the registered systems' checks instead (their own Postgres,
  Redis, Milvus, HTTP services and their packs' health checks), all systems in one parallel run.
  Exit code: 0 healthy, 1 degraded, 2 down — for cron, like the runbooks' curl -f.
  --json prints the runbook's report shape ({status, timestamp, version, services}) plus each check.`;

const COLORS = { healthy: '32', degraded: '33', down: '31', unknown: '90' } as const;

export async function healthCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, only: { type: 'string' }, system: { type: 'string', multiple: true }, all: { type: 'boolean' } } });
  if (values.all && values.system?.length) throw new UsageError('--all and --system exclude each other');
  const ctx = await openCore('cli');
  try {
    if (values.all || values.system?.length) return await systemsHealth(ctx.ops, values.all ? undefined : values.system, !!values.json);
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

async function systemsHealth(ops: OpsApi, names: string[] | undefined, json: boolean): Promise<number> {
  if (!names && !(await ops.systems.list()).length) throw new UsageError('No systems are registered: add them in Settings → Systems (or repo-ops systems add)');
  const run = await ops.systems.health({ ids: names });
  if (json) {
    const systems = run.systems.map((x) => ({ id: x.system.id, name: x.system.name, kind: x.system.kind, ...x.report, checks: x.results }));
    process.stdout.write(JSON.stringify({ status: run.status, timestamp: run.at, durationMs: Math.round(run.durationMs), systems }, null, 2) + '\n');
  } else {
    const color = useColor(process.stdout);
    const rows = [['SYSTEM', 'SERVICE', 'STATUS', 'LATENCY', 'SUMMARY']];
    for (const x of run.systems) for (const r of x.results) rows.push([x.system.name, r.name, paint(r.status.toUpperCase(), COLORS[r.status], color), r.latencyMs === null ? '-' : `${Math.round(r.latencyMs)} ms`, r.summary]);
    process.stdout.write(table(rows) + '\n');
    for (const x of run.systems) process.stdout.write(`${x.system.name} (${x.system.kind}): ${paint(x.report.status.toUpperCase(), COLORS[x.report.status], color)}\n`);
    process.stdout.write(`\nOverall: ${paint(run.status.toUpperCase(), COLORS[run.status], color)} (${Math.round(run.durationMs)} ms)\n`);
  }
  return run.status === 'healthy' ? 0 : run.status === 'degraded' ? 1 : 2;
}
