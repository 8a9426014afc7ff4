import { parseArgs } from 'node:util';
import type { BackfillEstimate, Verification } from '../../../shared/contract/backfill.ts';
import { confirm } from '../confirm.ts';
import { openCore } from '../context.ts';
import { followJob } from '../progress.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';
import { formatRange, formatSeconds, formatUsd } from '../../../shared/estimate-range.ts';

export const backfillUsage = `repo-ops backfill <owner/name> [--dry-run] [--time-range DAYS] [--skip-embeddings] [--embeddings-only]
                 [--full-refresh] [--workspace W]... [--time-writes] [--yes] [--json] [--override-budget REASON]
  The aggressive backfill as one job: sync → workspace aggregation → embeddings → verification.
  Prints the preflight and the estimate first and asks to go on (--yes for cron).
  --time-writes lets the estimate time Milvus writes on a scratch collection of its own (created and
  dropped); without it nothing is created in Milvus and typical write speeds are assumed (wider band).
  Exit code 0 only when the verification checklist is all green; 3 when it ran but is incomplete.
  Over a budget the run is refused; --override-budget REASON starts it anyway (recorded in the audit log).`;

const mark = { pass: 'ok  ', fail: 'FAIL', warn: 'warn', skipped: 'skip' } as const;

function printEstimate(e: BackfillEstimate): void {
  const steps = e.steps.filter((st) => st.seconds.value > 0 || st.requests.value > 0);
  process.stderr.write(
    `Estimate for ${e.repository}${e.window.since ? ` (created since ${e.window.since.slice(0, 10)})` : ''}${e.changes ? ` (changes since ${e.changes.since.slice(0, 16).replace('T', ' ')})` : ''}:\n` +
      table([
        ['pull requests / issues', `${e.github.pullRequests} / ${e.github.issues}${e.changes ? ` (changed: ${e.changes.pullRequests} / ${e.changes.issues})` : ''}`],
        ['GitHub requests / points', `${formatRange(e.steps.find((st) => st.step === 'sync')!.requests)} / ${e.github.points} (left: ${e.github.graphqlRemaining ?? '?'})`],
        ['embeddings', `${e.embeddings.items} items, ${formatRange(e.total.tokens)} tokens, ${formatRange(e.total.usd, formatUsd)} (${e.embeddings.basis})`],
        ['Milvus entities', `${e.milvus.entities} → ${e.milvus.collection}`],
        ...steps.map((st): [string, string] => [`  ${st.step}`, [`${formatRange(st.seconds, formatSeconds)}`, st.requests.value ? `${formatRange(st.requests)} requests` : ''].filter(Boolean).join(', ')]),
        ['time', `${formatRange(e.total.seconds, formatSeconds)} (${e.time.basis})`],
        ['measured from', e.sample.method],
        [`the guide's table (${e.sizeClass})`, e.guide.find((g) => g.size.startsWith(e.sizeClass))?.total ?? '-'],
      ]) +
      '\n',
  );
}

function printVerification(v: Verification): void {
  process.stdout.write('Verification:\n');
  for (const i of v.items) {
    process.stdout.write(`  [${mark[i.state]}] ${i.label} — ${i.evidence}\n`);
    for (const d of i.details.slice(0, 10)) process.stdout.write(`         ${d}\n`);
  }
}

export async function backfillCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' }, 'time-range': { type: 'string' }, 'skip-embeddings': { type: 'boolean' }, 'embeddings-only': { type: 'boolean' }, 'full-refresh': { type: 'boolean' }, workspace: { type: 'string', multiple: true }, yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' }, 'override-budget': { type: 'string' }, 'time-writes': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one repository, as owner/name');
  let timeRangeDays: number | undefined;
  if (values['time-range'] !== undefined) {
    timeRangeDays = Number(values['time-range']);
    if (!Number.isInteger(timeRangeDays) || timeRangeDays < 1) throw new UsageError(`--time-range must be a whole number of days, got "${values['time-range']}"`);
  }
  const req = { repository: positionals[0]!, timeRangeDays, mode: values['full-refresh'] ? ('full' as const) : ('incremental' as const), skipEmbeddings: Boolean(values['skip-embeddings']), embeddingsOnly: Boolean(values['embeddings-only']), workspaces: values.workspace ?? [], timeWrites: Boolean(values['time-writes']), budgetOverride: values['override-budget'] !== undefined ? { reason: values['override-budget'] } : undefined };
  const ctx = await openCore('cli');
  try {
    const check = await ctx.ops.backfill.preflight(req);
    process.stderr.write('Preflight:\n');
    for (const c of check.checks) process.stderr.write(`  [${mark[c.state]}] ${c.label} — ${c.message}\n`);
    if (!check.ok) {
      process.stderr.write('Preflight failed: fix the items marked FAIL and run again.\n');
      return 1;
    }
    const estimate = await ctx.ops.backfill.estimate(req);
    printEstimate(estimate);
    if (values['dry-run']) {
      if (values.json) process.stdout.write(JSON.stringify({ preflight: check, estimate }, null, 2) + '\n');
      return 0;
    }
    await confirm(`Start the backfill of ${req.repository}?`, values.yes);
    const run = await ctx.ops.backfill.start(req);
    let step = '';
    const done = await followJob({
      ops: ctx.ops,
      run,
      interrupt: 'pause',
      onUpdate: (r) => {
        const current = r.progress.extra.currentStep as string | undefined;
        if (current && current !== step && !process.stderr.isTTY) process.stderr.write(`== step: ${current}\n`);
        if (current) step = current;
      },
      extras: (x) => {
        const s = (x.steps as Record<string, Record<string, unknown>> | undefined)?.[x.currentStep as string];
        if (!s) return '';
        return [`${x.currentStep}: ${s.done}${s.total ? `/${s.total}` : ''} ${s.unit}`, s.requests !== undefined ? `${s.requests} req` : '', s.tokens !== undefined ? `${Number(s.tokens).toLocaleString()} tokens` : '', s.usd !== undefined ? `$${Number(s.usd).toFixed(4)}` : ''].filter(Boolean).join(' · ');
      },
    });
    const result = done.result as { verification?: Verification; seconds?: number } | null;
    // The estimate goes with the run: its figures (and bands) next to what the steps really took.
    if (values.json) process.stdout.write(JSON.stringify({ ...done, estimate }, null, 2) + '\n');
    else {
      if (result?.verification) printVerification(result.verification);
      process.stdout.write(`Backfill ${done.status === 'succeeded' ? 'complete and verified' : done.status.toUpperCase()}${result?.seconds ? ` in ${formatSeconds(result.seconds)}` : ''}${done.error ? `: ${done.error}` : ''}\n`);
    }
    return done.status === 'succeeded' ? 0 : done.status === 'incomplete' ? 3 : 1;
  } finally {
    await ctx.close();
  }
}
