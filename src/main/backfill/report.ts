import { formatRange, formatSeconds, formatUsd } from '../../shared/estimate-range.ts';
import type { BackfillEstimate, BackfillRequest, Preflight } from '../../shared/contract/backfill.ts';
import type { JobRun } from '../../shared/contract/jobs.ts';
import type { BackfillResult } from './backfill-job.ts';

const mark = { pass: '✅', fail: '❌', warn: '⚠️', skipped: '➖' } as const;
const s = (n: number | null | undefined, d = 1) => (n === null || n === undefined ? '—' : `${n.toFixed(d)} s`);
const usd = (n: number | undefined) => (n === undefined ? '—' : `$${n.toFixed(n < 1 ? 4 : 2)}`);

function options(r: BackfillRequest): string {
  return [
    `- Repository: \`${r.repository}\``,
    `- Mode: ${r.timeRangeDays ? `last ${r.timeRangeDays} days` : r.mode === 'full' ? 'full refresh' : 'incremental'}`,
    `- Embeddings: ${r.skipEmbeddings ? 'skipped' : r.embeddingsOnly ? 'only embeddings (no sync)' : 'yes'}`,
    `- Workspaces: ${r.workspaces.length ? r.workspaces.join(', ') : 'those the repository is in'}`,
  ].join('\n');
}

/** A run report for the incident log or a change record (JSON or Markdown). */
export function runReport(run: JobRun, format: 'json' | 'markdown'): { filename: string; content: string } {
  const result = run.result as BackfillResult | null;
  const base = `backfill-${(run.params as BackfillRequest).repository.replace('/', '-')}-${run.createdAt.slice(0, 10)}-${run.id.slice(0, 8)}`;
  if (format === 'json') return { filename: `${base}.json`, content: JSON.stringify({ run: { id: run.id, status: run.status, attempt: run.attempt, createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt, error: run.error, steps: run.steps }, result }, null, 2) + '\n' };
  const req = run.params as BackfillRequest;
  const st = result?.steps;
  const lines = [
    `# Backfill of ${req.repository}: ${run.status === 'succeeded' ? 'verified complete' : run.status}`,
    '',
    `Run \`${run.id}\` · started ${run.startedAt ?? '—'} · finished ${run.finishedAt ?? '—'} · attempt ${run.attempt}`,
    run.error ? `\n> ${run.error}\n` : '',
    '## Options',
    '',
    options(req),
    '',
    '## Steps',
    '',
    '| Step | Duration | Figures |',
    '| --- | --- | --- |',
    `| Sync | ${s(st?.sync?.seconds)} | ${st?.sync ? `${st.sync.items} items, ${st.sync.rowsWritten} rows, ${st.sync.requests} requests, ${st.sync.graphqlPoints} GraphQL points` : 'skipped'} |`,
    `| Workspace aggregation | ${s(st?.aggregate?.seconds, 2)} | ${st?.aggregate?.workspaces.map((w) => `${w.name}: ${w.totalPullRequests} PRs, ${w.totalIssues} issues, ${w.totalContributors} contributors`).join('; ') || 'no workspace'} |`,
    `| Embeddings | ${s(st?.embeddings?.seconds)} | ${st?.embeddings ? `${st.embeddings.items} items, ${st.embeddings.tokens} tokens, ${usd(st.embeddings.usd)}, ${st.embeddings.requests} requests (${st.embeddings.model})` : 'skipped'} |`,
    `| Verification | ${s(st?.verify?.seconds, 2)} | ${result ? (result.verification.ok ? 'all green' : 'red items below') : '—'} |`,
    '',
    '## Verification',
    '',
    ...(result?.verification.items ?? []).flatMap((i) => [`- ${mark[i.state]} **${i.label}** — ${i.evidence}`, ...i.details.slice(0, 10).map((d) => `  - ${d}`)]),
    '',
  ];
  return { filename: `${base}.md`, content: lines.filter((l) => l !== undefined).join('\n') };
}

/** The dry run's report: what would happen and what it would cost, nothing done. */
export function dryRunReport(req: BackfillRequest, estimate: BackfillEstimate, preflight: Preflight, format: 'json' | 'markdown'): { filename: string; content: string } {
  const base = `backfill-dry-run-${req.repository.replace('/', '-')}-${new Date().toISOString().slice(0, 10)}`;
  if (format === 'json') return { filename: `${base}.json`, content: JSON.stringify({ request: req, preflight, estimate }, null, 2) + '\n' };
  const e = estimate;
  const lines = [
    `# Dry run: backfill of ${req.repository}`,
    '',
    options(req),
    '',
    '## Preflight',
    '',
    ...preflight.checks.map((c) => `- ${mark[c.state]} **${c.label}** — ${c.message}`),
    '',
    '## Estimate',
    '',
    `| | |`,
    `| --- | --- |`,
    `| Pull requests / issues | ${e.github.pullRequests} / ${e.github.issues} |`,
    `| GitHub requests / GraphQL points | ${e.github.requests} / ${e.github.points} (left: ${e.github.graphqlRemaining ?? '?'}) |`,
    `| Embeddings | ${e.embeddings.items} items, ${e.embeddings.tokens} tokens, ${usd(e.embeddings.usd)} (${e.embeddings.model}; ${e.embeddings.basis}) |`,
    `| Milvus entities to write | ${e.milvus.entities} into \`${e.milvus.collection}\` |`,
    `| Time | sync ${s(e.time.syncS)}, embeddings ${s(e.time.embedS)}, aggregation and verification ${s(e.time.aggregateS)} — total ${s(e.time.totalS)} (${e.time.basis}) |`,
    ...(e.changes ? [`| Changed since ${e.changes.since} | ${e.changes.pullRequests} PRs, ${e.changes.issues} issues |`] : []),
    '',
    'Each figure with its band (about 95 %):',
    '',
    '| Step | Requests | Tokens | Dollars | Time |',
    '| --- | --- | --- | --- | --- |',
    ...[...e.steps.map((st) => ({ ...st, name: st.step as string })), { ...e.total, name: 'total' }].map((st) => `| ${st.name} | ${formatRange(st.requests)} | ${formatRange(st.tokens)} | ${formatRange(st.usd, formatUsd)} | ${formatRange(st.seconds, formatSeconds)} |`),
    '',
    `Measured from: ${e.sample.method}.`,
    '',
    `The backfill guide's table for a ${e.sizeClass} repository: ${e.guide.find((g) => g.size.startsWith(e.sizeClass))?.total ?? '—'}.`,
    '',
  ];
  return { filename: `${base}.md`, content: lines.join('\n') };
}
