import { parseArgs } from 'node:util';
import { confirm } from '../confirm.ts';
import { openCore } from '../context.ts';
import { followJob } from '../progress.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const milvusUsage = `repo-ops milvus stats [--json]
repo-ops milvus recreate [--yes]          drop and recreate the active collection (empty)
repo-ops milvus reload [owner/name] [--yes]   refill Milvus from the vectors stored in the warehouse
repo-ops milvus orphans [--json]          vectors of repositories that are no longer tracked
repo-ops milvus delete-orphans [--yes]    delete those vectors (search stops returning them)`;

export async function milvusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } } });
  const [sub, repo] = positionals;
  if (!sub || !['stats', 'recreate', 'reload', 'orphans', 'delete-orphans'].includes(sub)) throw new UsageError(milvusUsage);
  const ctx = await openCore('cli');
  try {
    if (sub === 'stats') {
      const info = await ctx.ops.vectors.collections();
      if (values.json) process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      else {
        process.stdout.write(`Milvus ${info.version} at ${info.server}\n`);
        process.stdout.write(table([['COLLECTION', 'ENTITIES', 'DIM', 'METRIC', 'INDEX', 'LOAD STATE'], ...info.collections.map((c) => [`${c.name}${c.name === info.active ? ' *' : ''}`, String(c.entityCount), String(c.dimension ?? '-'), c.metric ?? '-', c.indexType ?? '-', c.loadState])]) + '\n');
      }
      return 0;
    }
    if (sub === 'orphans' || sub === 'delete-orphans') {
      const o = await ctx.ops.vectors.orphans();
      if (sub === 'orphans' || !o.count) {
        if (values.json) process.stdout.write(JSON.stringify(o, null, 2) + '\n');
        else process.stdout.write(o.count ? `${o.count} vectors in ${o.collection} belong to untracked repositories: ${o.repositories.join(', ')}\n` : `No orphaned vectors in ${o.collection} (${o.tracked} tracked repositories)\n`);
        return 0;
      }
      await confirm(`Delete ${o.count} vectors of untracked repositories (${o.repositories.join(', ')}) from "${o.collection}"?`, values.yes);
      const r = await ctx.ops.vectors.deleteOrphans({ confirm: true });
      process.stdout.write(`Deleted ${r.deleted} vectors of ${r.repositories.join(', ')}\n`);
      return 0;
    }
    const collection = ctx.core.embeddings.config().collection;
    const run =
      sub === 'recreate'
        ? (await confirm(`Drop and recreate Milvus collection "${collection}"? All its vectors are deleted`, values.yes), await ctx.ops.vectors.recreate({ confirm: true }))
        : (await confirm(`Reload "${collection}" from the warehouse's stored vectors${repo ? ` of ${repo}` : ''}?`, values.yes), await ctx.ops.vectors.reload({ repository: repo }));
    const done = await followJob({ ops: ctx.ops, run });
    process.stdout.write(done.status === 'succeeded' ? `${JSON.stringify(done.result)}\n` : '');
    if (done.status !== 'succeeded') process.stderr.write(`${sub} ${done.status}: ${done.error ?? ''}\n`);
    return done.status === 'succeeded' ? 0 : 1;
  } finally {
    await ctx.close();
  }
}
