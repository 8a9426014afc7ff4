import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { EngineerLensParams, ShippedQuery, WhatShippedParams, type EtlPlan } from '../../../shared/contract/etl.ts';
import type { JobRun } from '../../../shared/contract/jobs.ts';
import type { EtlRunResult } from '../../etl/etl-service.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { followJob } from '../progress.ts';
import { UsageError } from '../usage-error.ts';

export const etlUsage = `repo-ops etl engineer-lens [--update-table authors|author_metrics_daily|author_metrics_window|author_prs_window|author_file_ownership|all]
                           [--force-refresh] [--repo-name owner/name] [--since DATE --until DATE] [--as-of DATE] [--tz ZONE] [--explain] [--json]
repo-ops etl what-shipped [--repo-name owner/name] [--force-refresh] [--llm [--llm-model gpt-4o-mini] [--llm-max-prs N]] [--json]
      --llm: summaries and an LLM risk score (next to the rubric's) for PRs whose content has no answer yet; paid,
      estimated first and refused over a budget; patches come from GitHub's REST files endpoint for those PRs only
repo-ops etl shipped [--repo-name owner/name] [--window 7|30|90|all] [--author LOGIN] [--band low|medium|high] [--features-only]
                     [--format markdown|csv] [--out FILE]          the shipping digest (stdout without --out)
  The Engineer Lens and What Shipped tables of What the Repo, computed in the warehouse (schema repo_ops).
  Default: incremental (only what changed since the last run); --force-refresh rebuilds; --explain prints what
  a run would do per table and repository, and why, without writing. Days count in the Team time zone (Settings) or --tz.
  Exit codes: 0 done, 1 failed, 2 usage.`;

const FLAGS: Record<string, string> = { llmModel: '--llm-model', llmMaxPrs: '--llm-max-prs', updateTable: '--update-table', repository: '--repo-name', forceRefresh: '--force-refresh', since: '--since', until: '--until', asOf: '--as-of', timeZone: '--tz', window: '--window', author: '--author', band: '--band' };

/** The options each subcommand takes. */
const OPTIONS_OF: Record<string, string[]> = {
  'engineer-lens': ['update-table', 'force-refresh', 'repo-name', 'since', 'until', 'as-of', 'tz', 'explain', 'json'],
  'what-shipped': ['repo-name', 'force-refresh', 'llm', 'llm-model', 'llm-max-prs', 'json'],
  shipped: ['repo-name', 'window', 'author', 'band', 'features-only', 'format', 'out'],
};

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new UsageError(r.error.issues.map((i) => `${FLAGS[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

function explainText(plan: EtlPlan): string {
  const staged = plan.candidates.map((c) => [c.repository, String(c.prs), c.lastStagedAt ?? 'never']);
  const rows = plan.rows.map((r) => [r.table, r.repository, r.mode, String(r.rows), r.reason]);
  return `Time zone ${plan.timeZone}, windows end ${plan.asOf}\n\n${table([['repository', 'PRs synced since last staging', 'last staged'], ...staged])}\n\n${table([['table', 'repository', 'mode', 'rows now', 'why'], ...rows])}\n`;
}

function resultText(done: JobRun): string {
  const r = done.result as { staged?: { repo: string; changed: number; deleted: number }[]; tables?: { table: string; repo: string; mode: string; rows: number; reason: string }[]; llm?: EtlRunResult['llm'] } | null;
  if (!r) return '';
  const l = r.llm;
  const llm = l
    ? `\nLLM (${l.model}): ${l.scored} scored, ${l.failed} failed, ${l.alreadyScored} unchanged since their answer; ${l.inputTokens} input + ${l.outputTokens} output tokens, $${l.usd.toFixed(6)}, ${l.githubRequests} GitHub request(s)\n${l.errors.map((e) => `  ${e.repository}#${e.number}: ${e.error}\n`).join('')}`
    : '';
  const staged = (r.staged ?? []).map((s) => [s.repo, String(s.changed), String(s.deleted)]);
  const tables = (r.tables ?? []).map((t) => [t.table, t.repo === '*' ? 'all' : t.repo, t.mode, String(t.rows), t.reason]);
  return `${table([['repo_prs', 'changed', 'removed'], ...staged])}\n${tables.length ? `\n${table([['table', 'repository', 'mode', 'rows written', 'why'], ...tables])}\n` : ''}${llm}`;
}

export async function etlCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'update-table': { type: 'string' }, 'force-refresh': { type: 'boolean' }, 'repo-name': { type: 'string' }, since: { type: 'string' }, until: { type: 'string' },
      'as-of': { type: 'string' }, tz: { type: 'string' }, explain: { type: 'boolean' }, json: { type: 'boolean' }, llm: { type: 'boolean' }, 'llm-model': { type: 'string' }, 'llm-max-prs': { type: 'string' },
      window: { type: 'string' }, author: { type: 'string' }, band: { type: 'string' }, 'features-only': { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' },
    },
  });
  const [sub] = positionals;
  const subs = Object.keys(OPTIONS_OF);
  if (!sub || !subs.includes(sub) || positionals.length > 1) throw new UsageError(`give one of: ${subs.join(', ')}`);
  // A flag of another subcommand is refused, not ignored: \`what-shipped --explain\` must not start a job.
  const foreign = Object.keys(values).filter((k) => values[k as keyof typeof values] !== undefined && !OPTIONS_OF[sub]!.includes(k));
  if (foreign.length) throw new UsageError(`${foreign.map((k) => `--${k}`).join(', ')}: not an option of etl ${sub}`);
  const repository = values['repo-name'] ?? null;
  let start: ((ops: Awaited<ReturnType<typeof openCore>>['ops']) => Promise<JobRun>) | null = null;
  let explain: EngineerLensParams | null = null;
  let digest: (z.output<typeof ShippedQuery> & { format: 'markdown' | 'csv' }) | null = null;
  if (sub === 'engineer-lens') {
    const p = parse(EngineerLensParams, { updateTable: values['update-table'], repository, forceRefresh: values['force-refresh'] ?? false, since: values.since ?? null, until: values.until ?? null, asOf: values['as-of'] ?? null, timeZone: values.tz ?? null });
    if (values.explain) explain = p;
    else start = (ops) => ops.etl.engineerLens(p);
  } else if (sub === 'what-shipped') {
    if (!values.llm && (values['llm-model'] !== undefined || values['llm-max-prs'] !== undefined)) throw new UsageError('--llm-model and --llm-max-prs go with --llm');
    const maxPrs = values['llm-max-prs'] === undefined ? null : Number(values['llm-max-prs']);
    const p = parse(WhatShippedParams, { repository, forceRefresh: values['force-refresh'] ?? false, llm: values.llm ?? false, llmModel: values['llm-model'], llmMaxPrs: maxPrs });
    start = (ops) => ops.etl.whatShipped(p);
  } else {
    const windows: Record<string, number> = { '7': 7, '30': 30, '90': 90, all: 999 };
    if (values.window !== undefined && !(values.window in windows)) throw new UsageError(`--window takes 7, 30, 90 or all, got "${values.window}"`);
    const window = windows[values.window ?? '30'];
    const format = values.format ?? 'markdown';
    if (format !== 'markdown' && format !== 'csv') throw new UsageError(`--format takes markdown or csv, got "${format}"`);
    digest = { ...parse(ShippedQuery, { repository, window, author: values.author ?? null, band: values.band ?? null, featuresOnly: values['features-only'] ?? false }), format };
  }
  const ctx = await openCore('cli');
  try {
    if (explain) {
      const plan = await ctx.ops.etl.explain(explain);
      process.stdout.write(values.json ? JSON.stringify(plan, null, 2) + '\n' : explainText(plan));
      return 0;
    }
    if (digest) {
      const r = await ctx.ops.shipped.export(digest);
      if (values.out) {
        writeFileSync(values.out, r.content);
        process.stderr.write(`Wrote ${values.out}\n`);
      } else process.stdout.write(r.content);
      return 0;
    }
    const run = await start!(ctx.ops);
    const done = await followJob({ ops: ctx.ops, run });
    if (values.json) process.stdout.write(JSON.stringify(done, null, 2) + '\n');
    else if (done.status === 'succeeded') process.stdout.write(`${run.title}: done\n${resultText(done)}`);
    else process.stderr.write(`${run.title}: ${done.status}${done.error ? ` — ${done.error}` : ''}\n`);
    return done.status === 'succeeded' ? 0 : 1;
  } finally {
    await ctx.close();
  }
}
