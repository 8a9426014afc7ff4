import { parseArgs } from 'node:util';
import { openCore } from '../context.ts';
import { followJob } from '../progress.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const embedUsage = `repo-ops embed [owner/name] [--only issues,prs] [--batch-size N] [--dry-run] [--json] [--override-budget REASON]
  Embeds pull requests and issues whose text (or model) changed, into Milvus and the warehouse.
  The estimate (tokens counted locally, dollars) is printed before anything is spent.
  Without a repository: every tracked repository, workspace repositories first.
  Over a budget the run is refused; --override-budget REASON starts it anyway (recorded in the audit log).`;

const fmtUsd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

export async function embedCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { only: { type: 'string' }, 'batch-size': { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, 'override-budget': { type: 'string' } } });
  if (positionals.length > 1) throw new UsageError('give at most one repository, as owner/name');
  const only = values.only ? values.only.split(',').map((s) => s.trim().toLowerCase()) : ['issues', 'prs'];
  const map: Record<string, 'issue' | 'pr'> = { issue: 'issue', issues: 'issue', pr: 'pr', prs: 'pr', pulls: 'pr' };
  if (only.some((o) => !map[o])) throw new UsageError(`--only takes issues, prs or both (comma separated), got "${values.only}"`);
  let batchSize: number | undefined;
  if (values['batch-size'] !== undefined) {
    batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new UsageError(`--batch-size must be a whole number from 1 to 10000, got "${values['batch-size']}"`);
  }
  const req = { repository: positionals[0], only: [...new Set(only.map((o) => map[o]!))], batchSize, budgetOverride: values['override-budget'] !== undefined ? { reason: values['override-budget'] } : undefined };
  const ctx = await openCore('cli');
  try {
    const plan = await ctx.ops.embed.plan(req);
    if (values.json && values['dry-run']) {
      process.stdout.write(JSON.stringify(plan, null, 2) + '\n');
      return 0;
    }
    process.stderr.write(
      `${plan.due} of ${plan.items} items need embeddings with ${plan.model} (${plan.dimensions} dimensions) → Milvus "${plan.collection}": ${plan.tokens.toLocaleString()} tokens ≈ ${fmtUsd(plan.usd)} at $${plan.pricePerMillionTokens}/1M tokens\n` +
        (plan.truncated ? `${plan.truncated} of them are longer than the model's input limit: each is cut, the rest of its text is not embedded\n` : ''),
    );
    if (values['dry-run']) return 0;
    const run = await ctx.ops.embed.start(req);
    const done = await followJob({
      ops: ctx.ops,
      run,
      extras: (x) => [x.tokens !== undefined ? `${Number(x.tokens).toLocaleString()} tokens` : '', x.usd !== undefined ? fmtUsd(Number(x.usd)) : '', x.requests !== undefined ? `${x.requests} req` : ''].filter(Boolean).join(' · '),
    });
    if (values.json) process.stdout.write(JSON.stringify(done, null, 2) + '\n');
    else if (done.status === 'succeeded') {
      const r = done.result as { items: number; tokens: number; usd: number; requests: number; rateLimited: number; truncated?: number; truncatedTokens?: number; milvusCount: number; collectionCount?: number; repository?: string | null; collection: string };
      const milvus: [string, string][] = r.repository
        ? [[`Milvus ${r.collection}`, `${r.milvusCount} entities of ${r.repository} (${r.collectionCount ?? '?'} in the collection)`]]
        : [[`Milvus ${r.collection}`, `${r.milvusCount} entities`]];
      process.stdout.write(table([['embedded', String(r.items)], ['tokens (billed)', r.tokens.toLocaleString()], ['cost', fmtUsd(r.usd)], ['requests', String(r.requests)], ['429s', String(r.rateLimited)], ['cut to the input limit', r.truncated ? `${r.truncated} items (${(r.truncatedTokens ?? 0).toLocaleString()} tokens not embedded; see \`repo-ops logs search embedding_truncated\`)` : '0'], ...milvus]) + '\n');
    } else process.stderr.write(`Embedding ${done.status}: ${done.error ?? ''}\n`);
    return done.status === 'succeeded' ? 0 : 1;
  } finally {
    await ctx.close();
  }
}
